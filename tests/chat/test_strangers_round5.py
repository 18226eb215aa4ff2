"""Stranger test of 2026-12-03, round 5 (a helper's; 60 questions written before running anything,
46 right before these fixes) on carData::WVS (three named classes), openintro::fastfood (a
regressor of calories) and openintro::smoking; a hostile review of 84b4271 on six other tables
(Prestige, Hitters, Workinghours, CPS1985, painters, alcohol), whose worse cases are kept here; and
leftovers of the wage1, BEPS and ResumeNames rounds. Each test failed on main at 29bbf04."""

import numpy as np
import pandas as pd
import pytest

from explainer_nlg.chat.parser import parse
from explainer_nlg.narrate.codings import described_values

from .tables import r_table, table_schema


@pytest.fixture(scope="module")
def wvs():
    return table_schema(r_table("carData", "WVS"), "poverty", {
        "poverty": "Answer to: is the government doing too little, about the right amount, or too much for people in "
                   "poverty? (Too Little, About Right, Too Much).",
        "religion": "Is the respondent a member of a religion? yes or no."}, "respondents")


@pytest.fixture(scope="module")
def food():
    df = r_table("openintro", "fastfood", ("item", "salad", "vit_a", "vit_c", "calcium")).dropna()
    return table_schema(df, "calories", {"calories": "Total calories in one serving of the item.",
                                    "cal_fat": "Calories that come from fat.", "sugar": "Sugar, in grams."},
                   "menu items", regression=True)


@pytest.fixture(scope="module")
def smoking():
    df = r_table("openintro", "smoking", ("amt_weekends", "amt_weekdays", "type"))
    return table_schema(df, "smoke", {"smoke": "Does the person smoke? Yes or No."}, "people")


def test_a_class_of_two_words_after_predicted_is_the_models(wvs):
    p = parse("how many respondents are predicted Too Much?", wvs)
    assert p["filters"] == [{"feature": "prediction", "cmp": "==", "value": "Too Much"}], p


def test_the_targets_own_name_asked_to_define_and_to_rank(wvs, food, smoking):
    assert parse("what does poverty mean here?", wvs)["ops"] == [{"op": "define", "of": "target"}]
    assert parse("what drives calories the most?", food)["ops"] == [{"op": "top_features", "scope": "global"}]
    assert parse("what matters most for predicting smoking", smoking)["ops"][0]["scope"] == "global"
    assert "scope" not in parse("what drives her calories the most", food)["ops"][0]


def test_an_amount_in_the_predicted_quantitys_unit(food):
    p = parse("how many items have more than 1000 calories?", food)
    assert p["filters"] == [{"feature": "prediction", "cmp": ">", "value": 1000}] and not p.get("clarify"), p
    p = parse("whats the mean sugar for items over 800 calories", food)
    assert p["ops"] == [{"op": "statistics", "features": ["sugar"]}] and \
        p["filters"] == [{"feature": "prediction", "cmp": ">", "value": 800}], p


def test_those_who_do_the_targets_verb(smoking):
    assert parse("how many people are predicted smokers", smoking)["filters"] == [
        {"feature": "prediction", "cmp": "==", "value": "Yes"}]
    assert parse("how many non smokers", smoking)["filters"] == [{"feature": "prediction", "cmp": "==", "value": "No"}]


def test_a_regressors_row_error_where_its_true_value_is_known():
    from sklearn.linear_model import LinearRegression

    from explainer_nlg import Explainer

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"fat": rng.normal(20, 5, 120).round(1), "carb": rng.normal(50, 10, 120).round(1)})
    df["calories"] = (9 * df.fat + 4 * df.carb + rng.normal(0, 30, 120)).round()
    df.index = pd.RangeIndex(1, 121)
    model = LinearRegression().fit(df[["fat", "carb"]], df.calories)
    ex = Explainer.from_sklearn(model, df, target="calories", row_noun="items")
    text = ex.ask("how far off is the prediction for row 20?", session="row-error").text
    off = float(model.predict(df.loc[[20], ["fat", "carb"]])[0] - df.loc[20, "calories"])
    assert f"its true value is {df.loc[20, 'calories']:,.0f}" in text and ("too high" if off > 0 else "too low") in text, text


# ---- the review of 84b4271 ----------------------------------------------------------------------

def test_review_a_loose_word_is_no_value_of_a_many_valued_column():
    df = r_table("AER", "CPS1985")
    s = table_schema(df, "union", {"occupation": "Occupation: worker (factory worker), technical (technical worker), "
                                            "services (service worker), office (office and clerical worker), "
                                            "sales (sales worker), management (management and administration)",
                              "married": "yes or no"}, "workers")
    p = parse("how many married women work in services", s)
    assert {"feature": "occupation", "cmp": "==", "value": "worker"} not in p["filters"], p


@pytest.fixture(scope="module")
def alcohol():
    df = r_table("wooldridge", "alcohol", ("status", "inwf", "agesq", "beertaxsq", "cigtaxsq", "ethanolsq", "educsq"))
    df = df.rename(columns={"ethanol": "risk"})
    return table_schema(df, "employ", {"employ": "1 = employed, 0 = not employed", "exhealth": "=1 if in excellent health",
                                  "goodhealth": "=1 if good health", "risk": "risk score for alcohol dependence",
                                  "south": "=1 if live in south"}, "respondents")


def test_review_a_class_ending_in_ed_is_no_past_and_a_column_named_risk(alcohol):
    p = parse("how many respondents in good health are not employed", alcohol)
    assert {"feature": "prediction", "cmp": "==", "value": "not employed"} in p["filters"], p
    p = parse("what is the average risk for respondents in the south", alcohol)
    assert p["ops"][0]["op"] == "statistics" and p["ops"][0].get("features") == ["risk"], p


def test_review_a_row_nouns_first_letters_are_no_row_before_a_unit():
    df = r_table("Ecdat", "Workinghours")
    s = table_schema(df, "hours", {"hours": "Hours worked by the wife in the year", "income": "Household income"},
                "workers", regression=True)
    for q in ("how many workers work 2000 hours or more", "average income of workers who work 40 hours"):
        assert parse(q, s)["instance"] is None, q
    p = parse("what if work 15 had income 50 higher", s)
    assert p["instance"] == 15, p


def test_review_a_drop_by_n_more_stays_a_drop():
    df = r_table("Ecdat", "Workinghours")
    s = table_schema(df, "hours", {"income": "Household income other than the wife's"}, "households", regression=True)
    p = parse("what if household 12's income dropped by 50 more", s)
    assert p["ops"][0]["changes"][0]["action"] == "decrease", p


def test_review_described_values_never_take_filler_or_an_article():
    assert described_values("Placebo group vs Treated group", ["Placebo", "Treated"]) == {}
    assert described_values("Manual transmission vs Auto transmission", ["Manual", "Auto"]) == {}
    assert "teacher" not in described_values("Grade given by a teacher, A top, B middle, C bottom", ["A", "B", "C"]).values()


def test_review_a_renamed_classes_codes_still_name_them():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = r_table("MASS", "painters")
    model = RandomForestClassifier(30, random_state=0).fit(df.drop(columns="School"), df.School)
    ex = Explainer.from_sklearn(model, df, target="School", row_noun="painters", descriptions={
        "School": "School of painting: A Renaissance, B Mannerist, C Seicento, D Venetian, E Lombard, "
                  "F Sixteenth Century, G Seventeenth Century, H French."})
    assert "sixteenth century" in ex.class_names
    p = ex.parse("how many painters are predicted F")
    assert p["filters"] == [{"feature": "prediction", "cmp": "==", "value": "sixteenth century"}], p


# ---- leftovers of the wage1, BEPS and ResumeNames rounds -----------------------------------------

def test_leftovers_white_of_nonwhite_lib_dem_and_a_resumes_number():
    wage = table_schema(r_table("wooldridge", "wage1", ("lwage", "expersq", "tenursq")), "wage",
                   {"wage": "average hourly earnings", "nonwhite": "=1 if nonwhite"}, "workers", regression=True)
    assert parse("how many white workers", wage)["filters"] == [{"feature": "nonwhite", "cmp": "==", "value": 0}]
    assert parse("how many nonwhite workers", wage)["filters"] == [{"feature": "nonwhite", "cmp": "==", "value": 1}]
    beps = table_schema(r_table("carData", "BEPS"), "vote", {"vote": "Party choice: Conservative, Labour, or Liberal Democrat"},
                   "voters")
    assert parse("how many voted lib dem", beps)["filters"] == [{"feature": "label", "cmp": "==", "value": "Liberal Democrat"}]
    rn = table_schema(r_table("AER", "ResumeNames"), "call", {
        "call": "factor. Was the applicant called back?", "city": "factor indicating city: Boston or Chicago.",
        "experience": "number of years of work experience on the resume."}, "applicants")
    p = parse("what if resume 10 was from boston", rn)
    assert p["instance"] == 10 and p["ops"][0]["changes"] == [{"feature": "city", "action": "set", "value": "boston"}], p


def test_a_columns_figures_for_each_class_said(smoking):
    p = parse("average age of smokers vs non smokers", smoking)
    assert p["ops"][0]["op"] == "statistics" and p["ops"][0]["features"] == ["age"] and \
        p["ops"][0]["by"] == "label" and sorted(p["ops"][0]["classes"]) == ["No", "Yes"], p
    from sklearn.linear_model import LogisticRegression

    from explainer_nlg import Explainer

    rng = np.random.default_rng(2)
    df = pd.DataFrame({"age": rng.integers(18, 90, 300), "income": rng.normal(30, 8, 300).round(1)})
    df["smoke"] = np.where(df.age + rng.normal(0, 15, 300) < 45, "Yes", "No")
    model = LogisticRegression(max_iter=500).fit(df[["age", "income"]], df.smoke)
    ex = Explainer.from_sklearn(model, df, target="smoke", row_noun="people",
                                descriptions={"smoke": "Does the person smoke? Yes or No."})
    text = ex.ask("average age of smokers vs non smokers", session="by-class").text
    for c in ("Yes", "No"):
        mean = df.loc[df.smoke == c, "age"].mean()
        assert f"the true label is “{c}”): mean {mean:,.1f}" in text, text


def test_an_answer_people_gave_counted_by_group(wvs):
    p = parse("which country has the most people saying too little?", wvs)
    assert p["ops"] == [{"op": "statistics", "features": ["country"]}] and \
        p["filters"] == [{"feature": "label", "cmp": "==", "value": "Too Little"}], p
    p = parse("how many people said too little", wvs)
    assert p["filters"] == [{"feature": "label", "cmp": "==", "value": "Too Little"}], p


def test_similar_cases_compare_renamed_classes_with_the_datas_codes():
    # (Chile's "A will abstain, N will vote no, ...": the neighbours' true classes were the codes and
    # their predictions the names, so "the model got 0 of those 5 right" where it got 4)
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    rng = np.random.default_rng(3)
    df = pd.DataFrame({"age": rng.integers(18, 80, 200), "statusquo": rng.normal(0, 1, 200).round(2)})
    df["vote"] = np.select([df.statusquo > 0.5, df.statusquo < -0.5], ["Y", "N"], "A")
    df.index = pd.RangeIndex(1, 201)
    model = RandomForestClassifier(30, random_state=0).fit(df[["age", "statusquo"]], df.vote)
    ex = Explainer.from_sklearn(model, df, target="vote", row_noun="voters", descriptions={
        "vote": "Planned vote: A will abstain, N will vote no, Y will vote yes."})
    assert "will abstain" in ex.class_names
    sc = ex.similar(10, k=5)
    assert {n.true_label for n in sc.neighbours} <= set(ex.class_names)
    assert sc.correct == sum(n.predicted_label == n.true_label for n in sc.neighbours) >= 3, sc
