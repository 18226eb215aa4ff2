"""The verifier reads other forms of a record's words, the row's relatives and kinds, percents of
values and rounded shares (issue 14, the dev4 misses), and still rejects invented features and
words two features share: each test here failed before its fix. The records are small
``Evidence.from_contributions`` records in the shapes of the fourth outside set."""

from __future__ import annotations

import pytest

from explainer_nlg import Evidence, verify


@pytest.fixture(scope="module")
def house():
    # A price in $: one-word column names, as in the Windsor house prices.
    return Evidence.from_contributions(
        [("lotsize", 2145, -19537.7), ("bathrooms", 2, 6720.3), ("prefer", "yes", 5012.4),
         ("stories", 1, -3037.8), ("aircon", "no", -2521.1), ("garage", 0, -2090.5)],
        prediction=55231.2, base_value=68144.7, unit="$", name="price")


@pytest.fixture(scope="module")
def body():
    # Weight in kg: names sharing the word "girth".
    return Evidence.from_contributions(
        [("waist_girth", 86.1, 5.86), ("hip_girth", 112.0, 4.37), ("thigh_girth", 69.4, 1.63),
         ("height", 160.0, -1.44)], prediction=78.0, base_value=68.2, unit="kg", name="weight")


@pytest.fixture(scope="module")
def school():
    # Test points: shares stored as percentages.
    return Evidence.from_contributions(
        [("lunch", 85.1, -18.04), ("income", 8.5, -3.0), ("english", 40.5, -2.55),
         ("student_teacher_ratio", 18.7, 1.12)], prediction=629.1, base_value=652.7, unit="points",
        name="average test score")


@pytest.fixture(scope="module")
def icu():
    # A probability of dying; yes/no columns.
    return Evidence.from_contributions(
        [("systolic_bp", 90, 0.1834), ("age", 75, 0.0792), ("emergency", "yes", 0.0619),
         ("infection", "yes", 0.0425)], prediction=0.6013, base_value=0.2047, unit="probability",
        kind="classification", label="dies", probabilities={"dies": 0.6013, "survives": 0.3987})


def ok(text, ev):
    report = verify(text, ev)
    return report.accepted, report.reason


@pytest.mark.parametrize("text", [
    "Her hips added over 4 kg.",                                   # a plural of a name's own word
    "The hips added about 4.4 kg, the thighs about 1.6 kg.",
])
def test_a_word_of_a_features_name_in_another_form(body, text):
    assert ok(text, body)[0], ok(text, body)


def test_a_word_two_features_share_names_neither(body):
    # "girth" is a word of three names: it names none of them.
    accepted, reason = ok("The girth added about 4.4 kg.", body)
    assert not accepted and "girth" in reason


@pytest.mark.parametrize("text", [
    "The single storey cost about $3,000.",                        # a British spelling
    "Being preferred added about $5,000.",                         # a doubled consonant
    "The lot size took nearly $20,000 off the price.",             # a one-word name said as two
    "Not having air conditioning cost about $2,500.",              # ... the second word's first letters
])
def test_spellings_and_compounds(house, text):
    assert ok(text, house)[0], ok(text, house)


@pytest.mark.parametrize("text", [
    "The swimming pool added about $5,000.",                       # an invented feature stays unknown
    "The storey cost about $5,000.",                               # the right name, the wrong amount
    "The lot size added nearly $20,000 to the price.",             # ... the wrong direction
    "The lot view took nearly $20,000 off the price.",             # a compound that is no name
])
def test_forms_keep_lies_out(house, text):
    assert not ok(text, house)[0]


@pytest.mark.parametrize("text", [
    "Lunch cost the district about 18 points.",
    "Most pupils get lunch, which cost about 18 points.",
    "So the fact that Dad came in as an emergency added around 6 points to the risk.",
])
def test_row_kinds_and_family_words_claim_nothing(school, icu, text):
    ev = icu if "Dad" in text else school
    assert ok(text, ev)[0], ok(text, ev)
@pytest.mark.parametrize("text, good", [
    ("SHAP: lunch (85.1%) -18.0, income (8.5) -3.0.", True),      # a value stored as a percentage
    ("SHAP: lunch (95.1%) -18.0, income (8.5) -3.0.", False),
    ("Where 85% of pupils get a subsidised lunch, it cost about 18 points.", True),
])
def test_a_percent_of_a_value(school, text, good):
    assert ok(text, school)[0] is good, ok(text, school)


def test_a_percent_of_a_value_stored_as_a_fraction():
    ev = Evidence.from_contributions([("lunch_share", 0.851, -18.0), ("income", 8.5, -3.0)],
                                     prediction=630.0, base_value=651.0, unit="points", name="score")
    assert ok("lunch_share (85.1%) -18.0", ev)[0]
    assert not ok("lunch_share (75.1%) -18.0", ev)[0]


@pytest.mark.parametrize("text, good", [
    ("systolic_bp (90) +0.183, age (75) +0.079, emergency (yes) +0.062, infection (yes) +0.042.", True),
    ("systolic_bp (90) +0.183, emergency (yes) +0.072.", False),
    ("systolic_bp (90) +0.183, emergency (yes) -0.062.", False),
])
def test_a_rounded_share_after_a_category(icu, text, good):
    assert ok(text, icu)[0] is good, ok(text, icu)
@pytest.mark.parametrize("text, good", [
    ("The model estimates a 60% risk, three times the usual 20%.", True),
    ("The model estimates a 60% risk, four times the usual 20%.", False),
    ("The model estimates a 60% risk, three times higher than usual.", False),  # no second figure
])
def test_times_as_a_ratio(icu, text, good):
    assert ok(text, icu)[0] is good, ok(text, icu)
