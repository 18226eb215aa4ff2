"""The verifier reads what people write about outside evidence, without letting a lie through
(issue 14, second half): each test here failed before its fix. The records are small
``Evidence.from_contributions`` records in the shapes shap gives (amounts in a unit, probabilities
of a class, words of a text); the sentences are the kinds of wording the labelled dev narratives
showed the verifier missing."""

from __future__ import annotations

import pytest

from explainer_nlg import Evidence, verify


@pytest.fixture(scope="module")
def articles():
    # A count: articles a PhD student publishes; predicted 7.19, average 1.64.
    return Evidence.from_contributions(
        [("mentor_articles", 47, 3.17), ("phd_prestige", 1.86, 2.11), ("gender", "Men", 0.25),
         ("kids_under_6", 1, 0.02)], prediction=7.19, base_value=1.64, unit="articles", name="articles published")


@pytest.fixture(scope="module")
def lifeexp():
    # Years; predicted 67.57, average 64.07.
    return Evidence.from_contributions(
        [("continent", "Americas", 2.03), ("infant_mortality", 50.9, 0.81), ("gdp_per_person", 3336.0, 0.60),
         ("fertility", 2.81, -0.31), ("population_millions", 150.4, -0.14)],
        prediction=67.57, base_value=64.07, unit="years", name="life expectancy")


@pytest.fixture(scope="module")
def progression():
    # Points, predicted below average: blood pressure is the one feature pushing up.
    return Evidence.from_contributions(
        [("triglycerides", 4.2, -29.0), ("body_mass_index", 26.2, -24.0), ("blood_pressure", 114, 12.0),
         ("age", 50, -3.0)], prediction=109.5, base_value=153.5, unit="points", name="disease progression")


@pytest.fixture(scope="module")
def insured():
    # Probability of "insured", below its base rate; married pushes toward it.
    return Evidence.from_contributions(
        [("selfemp", "yes", -0.0896), ("age", 26, -0.0647), ("married", "yes", 0.0348), ("region", "south", -0.0158)],
        prediction=0.7073, base_value=0.8043, unit="probability", kind="classification", label="insured",
        probabilities={"uninsured": 0.2927, "insured": 0.7073})


@pytest.fixture(scope="module")
def penguin():
    # A multiclass probability: Gentoo 99.9%.
    return Evidence.from_contributions(
        [("flipper_length_mm", 215, 0.2448), ("bill_depth_mm", 14.5, 0.1589), ("body_mass_g", 5400, 0.0948),
         ("island", "Biscoe", 0.0726), ("sex", "male", -0.0006)],
        prediction=0.9988, base_value=0.3436, unit="probability", kind="classification", label="Gentoo",
        probabilities={"Adelie": 0.0001, "Chinstrap": 0.0011, "Gentoo": 0.9988})


@pytest.fixture(scope="module")
def tweet():
    text = "Great crowd tonight, we will win big. Thank you!"
    return Evidence.from_contributions(
        [("Great", "Great", 0.1466), ("crowd", "crowd", -0.0648), ("big", "big", 0.2217), (".", ".", -0.03),
         ("Thank", "Thank", -0.0544)], prediction=0.7836, base_value=0.5344, unit="probability",
        kind="classification", label="Android", probabilities={"Android": 0.7836, "iPhone": 0.2164},
        input_kind="text", text=text)


def accepted(text: str, ev) -> bool:
    return verify(text, ev).accepted


def test_spelled_out_amounts_are_checked(articles, lifeexp):
    assert not accepted("The mentor's 47 articles added about six articles to the prediction.", articles)
    assert accepted("The mentor's 47 articles added about three articles to the prediction.", articles)
    assert accepted("The model gives a life expectancy of about 67.5 years, some three and a half years "
                    "above average.", lifeexp)
    assert not accepted("The model gives a life expectancy some five and a half years above average.", lifeexp)
    assert accepted("Being a man nudged the estimate up by a quarter of an article.", articles)
    assert not accepted("Being a man nudged the estimate up by half an article.", articles)


def test_a_verb_of_motion_and_its_particle_state_a_direction(lifeexp):
    assert not accepted("The fertility rate of 2.81 pushed life expectancy up by about 0.3 years.", lifeexp)
    assert accepted("The fertility rate of 2.81 pushed life expectancy down by about 0.3 years.", lifeexp)
    assert not accepted("The large population pushed the estimate up slightly.", lifeexp)


def test_the_other_way_is_relative(progression, insured):
    # Alone: against where the features took the prediction overall (here down, so "the other way" is up).
    assert accepted("Blood pressure of 114 was the main factor working the other way, adding about 12 points.",
                    progression)
    assert not accepted("Age worked the other way.", progression)
    assert accepted("Being married worked the other way, adding about 3.5 points.", insured)
    # After a sentence that went up, "the other way" is down.
    assert accepted("Being married raised the chance of being insured. Being self-employed worked the other way.",
                    insured)
    assert not accepted("Being self-employed lowered the chance of being insured. The region worked the other way.",
                        insured)


def test_most_important_without_a_direction_means_largest_overall(progression):
    # Blood pressure leads the features pushing up, but triglycerides had the largest effect overall.
    assert not accepted("Blood pressure was the most important factor.", progression)
    assert accepted("Triglycerides were the most important factor.", progression)
    assert accepted("Blood pressure was the biggest factor pushing the score up.", progression)


def test_than_anything_else_is_a_top_claim(articles, progression):
    assert accepted("A prolific mentor mattered more than anything else.", articles)
    assert not accepted("Prestige mattered more than anything else.", articles)
    # Blood pressure leads only the features pushing up.
    assert not accepted("Blood pressure mattered more than anything else.", progression)
    assert accepted("Triglycerides mattered more than anything else.", progression)


def test_shares_written_as_fractions(penguin, tweet):
    assert accepted("P(Gentoo)=0.999 vs base 0.344.", penguin)
    assert accepted("flipper_length_mm=215 contributes +0.245, bill_depth_mm=14.5 +0.159.", penguin)
    assert not accepted("flipper_length_mm=215 contributes +0.159.", penguin)
    assert accepted("P(Android)=0.78, base 0.53. Top tokens: 'big' +0.22, 'Great' +0.15.", tweet)
    assert not accepted("P(Android)=0.87.", tweet)
    assert not accepted("Top tokens: 'big' +0.15.", tweet)


def test_another_form_of_a_class_or_feature_word(insured, penguin, articles):
    assert accepted("Being self-employed cut the chance of insurance by about 9 percentage points.", insured)
    assert not accepted("Being self-employed raised the chance of insurance.", insured)
    assert accepted("Its flippers, 215 mm, were the strongest clue.", penguin)
    assert accepted("We expect around seven articles to be published.", articles)


def test_a_category_value_names_its_feature(lifeexp, penguin):
    assert accepted("Being in the Americas was worth about two years of life expectancy, the largest single "
                    "factor.", lifeexp)
    assert not accepted("Living on Biscoe island made Gentoo slightly less likely.", penguin)
    assert not accepted("Being in Europe added about two years.", lifeexp)


def test_punctuation_named_by_what_it_is(tweet):
    assert accepted("The full stops pulled the other way, toward “iPhone”.", tweet)
    assert not accepted("The full stops pushed it toward “Android”.", tweet)
    assert not accepted("The commas pushed it toward “iPhone”.", tweet)


def test_a_feature_carries_across_an_aside(progression):
    assert not accepted("Her age (50) raised the predicted score.", progression)
    assert accepted("Her age (50) lowered the predicted score slightly.", progression)


def test_a_percentage_after_over_is_a_floor(penguin):
    assert accepted("The model is almost certain it is a Gentoo (over 99%).", penguin)
    assert not accepted("The model is almost certain it is a Gentoo (over 99.95%).", penguin)


def test_a_value_in_money_beside_a_feature_of_a_model_in_years(lifeexp):
    assert accepted("Income per person, at about $3,300, added a bit more than half a year.", lifeexp)
    assert not accepted("Income per person, at about $5,000, added a bit more than half a year.", lifeexp)


def test_words_named_together_sum_their_points(tweet):
    assert accepted("Together, “big” and “Great” added about 37 percentage points toward “Android”.", tweet)
    assert not accepted("Together, “big” and “Great” added about 50 percentage points toward “Android”.", tweet)


def test_ordinary_words_carry_no_claim(articles):
    assert accepted("In short, the model expects about 7.2 articles, giving the mentor's 47 articles the most "
                    "weight.", articles)
    assert accepted("Essentially, being a man leaned the estimate up a little, but not enough to matter much.",
                    articles)
    # ... while a word naming something the record does not hold still fails.
    assert not accepted("A large lab budget raised the prediction.", articles)


def test_a_verb_of_motion_with_off_takes_away(lifeexp):
    assert accepted("The fertility rate knocked about 0.3 years off.", lifeexp)
    assert not accepted("The infant mortality rate knocked about 0.8 years off.", lifeexp)


def test_the_age_of_a_year_built_column():
    ev = Evidence.from_contributions([("Year_Built", 2005, 40092.0), ("Bedroom_AbvGr", 3, -2100.0)],
                                     prediction=222000.0, base_value=184008.0, unit="$", name="Sale_Price")
    assert accepted("Mostly it is the age of the house that pushes the price up.", ev)
    assert not accepted("The age of the house pulled the price down.", ev)
    both = Evidence.from_contributions([("Year_Built", 2005, 40092.0), ("Age", 40, -5000.0)],
                                       prediction=219092.0, base_value=184000.0, unit="$", name="Sale_Price")
    # With a feature that is an age, "age" is that feature only.
    assert not accepted("The age raised the price.", both)


def test_the_row_named_by_what_it_is(penguin, tweet, articles):
    assert accepted("The model is almost certain this penguin is a Gentoo.", penguin)
    assert accepted("The classifier thinks this tweet was sent from an Android phone (78%).", tweet)
    assert accepted("We expect this student to publish around seven articles.", articles)
    # ... only as the subject of a statement about the prediction: elsewhere an unknown noun fails.
    assert not accepted("This pool added about 3 articles.", articles)
    assert not accepted("The student's budget raised the prediction.", articles)
    assert not accepted("The model is almost certain this penguin is a Gentoo (62%).", penguin)


def test_a_category_value_in_the_other_number():
    # Found on the held-out set (test2, its one planted error accepted): "a woman" for gender=Women.
    ev = Evidence.from_contributions([("mentor_articles", 0, -0.58), ("phd_prestige", 2.5, 0.19),
                                      ("gender", "Women", -0.13)], prediction=1.12, base_value=1.64,
                                     unit="articles", name="articles published")
    assert not accepted("Being a woman slightly raised the predicted number of articles, by about 0.13.", ev)
    assert accepted("Being a woman slightly lowered the predicted number of articles, by about 0.13.", ev)


def test_not_before_a_gerund_negates_the_subject_not_the_verb():
    # Found on the first test half once "insurance" resolved: the cue was read as negated.
    ev = Evidence.from_contributions([("selfemp", "no", 0.0232), ("married", "yes", 0.0409), ("ethnicity", "afam", -0.0173)],
                                     prediction=0.8511, base_value=0.8043, unit="probability", kind="classification",
                                     label="insured", probabilities={"uninsured": 0.1489, "insured": 0.8511})
    assert not accepted("Not being self-employed lowered the chance of insurance by about 2 points.", ev)
    assert accepted("Not being self-employed raised the chance of insurance by about 2 points.", ev)
    assert not accepted("Being married did not raise the chance of insurance.", ev)


def test_a_figure_beside_predicted_is_the_prediction(articles):
    # 2 is near phd_prestige's contribution (2.11), but the sentence is about the prediction (7.19).
    assert not accepted("This student is predicted to publish about two articles.", articles)
    assert not accepted("The model predicts about 2 articles.", articles)
    assert accepted("The model predicts about 7 articles, some 5.5 more than the mean prediction of 1.64.", articles)


def test_a_fraction_word_after_an_amount_lead_is_read_not_a_crash():
    # "over half the gain" raised TypeError (a tuple joined to a frozenset) in the tokenizer since ea8f497
    from explainer_nlg import verify
    from explainer_nlg.evidence import Evidence

    ev = Evidence.from_contributions([("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0)],
                                     prediction=186000.0, base_value=181242.16, unit="$", name="price")
    for text in ("The year built took off over half the gain.", "The living area added about a third more."):
        report = verify(text, ev)
        assert report.verdict in ("accepted", "rejected") and report.sentences, text


def _journal():
    from explainer_nlg.evidence import Evidence

    return Evidence.from_contributions([("library_subscriptions", 531, -469.08), ("pages", 1983, 384.48),
                                        ("founding_year", 1890, -118.66), ("citations", 2540, 81.17),
                                        ("characters_per_page", 3036, -12.56)],
                                       prediction=276.11, base_value=415.48, unit="$", name="price")


def test_a_word_whose_plural_names_another_feature_names_neither_alone():
    # "the page count" was read as characters_per_page ("page" its word alone), so a swapped
    # comparison with citations passed (found on dev5 records with lies of our own)
    from explainer_nlg import verify

    ev = _journal()
    assert not verify("The page count had a smaller effect than the citations.", ev).accepted
    assert verify("The page count added about $380.", ev).accepted


def test_larger_for_one_feature_than_for_another_is_a_comparison():
    from explainer_nlg import verify

    ev = _journal()
    assert not verify("Its effect was larger for citations than for pages.", ev).accepted
    assert verify("Its effect was larger for pages than for citations.", ev).accepted
