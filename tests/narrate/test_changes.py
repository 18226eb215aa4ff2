"""What-if and counterfactual records (tabular, text, image): narrated, verified, deterministic."""

from __future__ import annotations

import pytest

from explainer_nlg.narrate import narrate, verify_sentence, verify_text
from tests.narration_fixtures import AUDIENCES, counterfactual


def test_what_if_and_counterfactual_records_are_narrated_and_verified():
    """The issue-6 objects (WhatIf, CounterfactualSet) go through the same templates and verifier."""
    from explainer_nlg import Explainer, ExplainerInputError
    from explainer_nlg.narrate import narrate, verify_text

    ex = Explainer.demo("loan")
    cs = ex.counterfactuals(3)
    best = cs.counterfactuals[0]
    for audience in ("customer", "support", "developer"):
        answer = narrate(cs, audience)
        assert answer.text and all(s.status == "template" and not s.reason for s in answer.sentences)
        assert best.changes[0].feature.lower() in answer.text.lower() or audience == "customer"
    support = narrate(cs, "support").text
    assert f"{best.probabilities[best.predicted_label]:.1%}" in support
    w = ex.what_if(17, [{"feature": "Amount", "action": "set", "value": 3000}])
    text = narrate(w, "support").text
    assert "3,000" in text and w.original_label in text
    from explainer_nlg.narrate.records import as_record

    assert all(v.ok for v in verify_text(text, as_record(w)))
    assert not all(v.ok for v in verify_text(text.replace("3,000", "4,000"), as_record(w)))
    # Only Home may change, by one feature: the loan demo has no such flip for applicant 3.
    none = ex.counterfactuals(3, max_changes=1, immutable=[f for f in ex.info["features"] if f != "Home"])
    assert not none.found
    with pytest.raises(ExplainerInputError, match="No counterfactual to narrate"):
        narrate(none)


# ---- text and image what-if / counterfactual records ------------------------------------------------

TEXT_CF = {"kind": "counterfactual", "input_kind": "text", "label": "other", "probability": 0.963,
           "new_label": "great", "new_probability": 0.592, "method": "beam search", "alternatives": 3,
           "changes": [{"feature": "stale", "from": "stale", "to": "fresh", "action": "replace"},
                       {"feature": "box", "from": "box", "to": None, "action": "remove"},
                       {"feature": "broken", "from": "broken", "to": "intact", "action": "replace"}]}
IMAGE_WI = {"kind": "what-if", "input_kind": "image", "label": "tabby", "probability": 0.79, "new_label": "lynx",
            "new_probability": 0.5, "method": "what-if",
            "changes": [{"feature": "centre", "from": None, "to": None, "action": "cover"},
                        {"feature": "top left", "from": None, "to": None, "action": "cover"}]}


@pytest.fixture(scope="module")
def change_records():
    """Records from the real text and image demos: what-if replace / remove, a counterfactual, a cover."""
    from explainer_nlg import Explainer
    from explainer_nlg.demos.image_model import sample_photo

    t = Explainer.demo("text")
    im = Explainer.demo("image")
    return {
        "replace": t.what_if("The cookies were stale", [{"action": "replace", "word": "stale", "value": "fresh"}],
                             explain=False),
        "remove": t.what_if("The cookies were stale", [{"action": "remove", "word": "stale"}], explain=False),
        "counterfactual": t.counterfactuals("The cookies were stale and the box was broken."),
        "cover": im.what_if(sample_photo("chelsea"), [{"action": "cover", "region": "centre"}], explain=False),
    }


def _template_only(obj, audience):
    a = narrate(obj, audience)
    assert a.text and all(s.status == "template" and not s.reason for s in a.sentences), \
        [(s.text, s.reason) for s in a.sentences]
    return a.text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_text_and_image_changes_read_as_words_and_regions(change_records, audience):
    from explainer_nlg.narrate.records import as_record

    replace, remove = change_records["replace"], change_records["remove"]
    cs, cover = change_records["counterfactual"], change_records["cover"]
    assert as_record(replace)["input_kind"] == "text" and as_record(cover)["input_kind"] == "image"
    assert as_record(remove)["changes"][0] == {"feature": "stale", "from": "stale", "to": None, "action": "remove"}

    t = _template_only(replace, audience)
    assert "“stale”" in t and "“fresh”" in t and "replac" in t.lower()
    assert "the stale" not in t and "changed from" not in t and " from “stale”" not in t
    t = _template_only(remove, audience)
    assert "“stale”" in t and "removed" in t and "unknown" not in t
    t = _template_only(cs, audience)
    for ch in cs.counterfactuals[0].changes:
        assert f"“{ch.feature}”" in t and "unknown" not in t
        if ch.to_value is not None:
            assert f"“{ch.to_value}”" in t
    assert f"“{cs.counterfactuals[0].predicted_label}”" in t and "changed from" not in t
    t = _template_only(cover, audience)
    assert "centre of the image" in t and "cover" in t.lower() and "unknown" not in t
    assert f"“{cover.new_label}”" in t


def test_text_counterfactual_wording_and_alternatives(change_records):
    cs = change_records["counterfactual"]
    best = cs.counterfactuals[0]
    assert len(cs.counterfactuals) > 1  # the demo finds several; support and developer say how many
    support = narrate(cs, "support").text
    assert f"“{best.predicted_label}” ({best.probabilities[best.predicted_label]:.1%})" in support
    assert f"found {len(cs.counterfactuals)} different sets of changes" in support
    assert f"{len(cs.counterfactuals)} counterfactuals found" in narrate(cs, "developer").text
    assert "found" not in narrate(cs, "customer").text
    one = {**TEXT_CF, "alternatives": 1}
    assert "found" not in narrate(one, "support").text  # one answer: nothing to count
    s = narrate(TEXT_CF, "support").text
    assert s.startswith("If the word “stale” were replaced by “fresh”, the word “box” removed and "
                        "“broken” replaced by “intact”, the prediction would move from “other” (96.3%) "
                        "to “great” (59.2%).")


def test_image_what_if_lists_every_covered_region():
    t = {a: _template_only(IMAGE_WI, a) for a in AUDIENCES}
    assert "the centre and the top left of the image" in t["customer"] and "covered (blurred)" in t["support"]
    assert "lynx" in t["developer"] and "50.0%" in t["developer"]


@pytest.mark.parametrize("record,sentence", [
    (TEXT_CF, "If the word “stale” were replaced by “fresh”, the model would predict “great” instead of “other”."),
    (TEXT_CF, "If “stale” were replaced by “fresh”, the word “box” removed and “broken” replaced by “intact”, "
              "the prediction would move from “other” (96.3%) to “great” (59.2%)."),
    (TEXT_CF, "Without the word “box”, the model would predict “great”."),
    (TEXT_CF, "If “box” were deleted and “stale” swapped for “fresh”, the model would predict “great”."),
    (TEXT_CF, "The search found 3 different sets of changes that do this."),
    (IMAGE_WI, "If the centre and the top left of the image were covered (blurred), the model would predict "
               "“lynx” instead of “tabby”."),
    (IMAGE_WI, "If the middle of the image were blurred, the model would predict “lynx”."),
])
def test_verifier_accepts_true_change_claims(record, sentence):
    v = verify_sentence(sentence, record)
    assert v.ok, v.reason


@pytest.mark.parametrize("record,sentence,claim", [
    # a word that was not changed
    (TEXT_CF, "If the word “cookies” were replaced by “fresh”, the model would predict “great”.", "unknown"),
    (TEXT_CF, "If the word “fresh” were removed, the model would predict “great”.", "change"),
    # a wrong replacement word: invented, another change's, or the two swapped round
    (TEXT_CF, "If the word “stale” were replaced by “tasty”, the model would predict “great”.", "unknown"),
    (TEXT_CF, "If the word “stale” were replaced by “intact”, the model would predict “great”.", ""),
    (TEXT_CF, "If the word “fresh” were replaced by “stale”, the model would predict “great”.", "change"),
    # the wrong change: a replaced word called removed, a removed one called replaced
    (TEXT_CF, "If the word “stale” were removed, the model would predict “great”.", "change"),
    (TEXT_CF, "Removing the words “box” and “stale” would turn the decision from “other” to “great”.", "change"),
    (TEXT_CF, "If the word “box” were replaced, the model would predict “great”.", "change"),
    # the wrong new label, a wrong probability, a wrong count of alternatives
    (TEXT_CF, "If the word “stale” were replaced by “fresh”, the model would predict “other”.", "label"),
    (TEXT_CF, "If the word “stale” were replaced by “fresh”, the prediction would move from “other” (96.3%) "
              "to “other” (59.2%).", "label"),
    (TEXT_CF, "Counterfactual (beam search): “stale” replaced by “fresh” gives “other”.", "label"),
    (counterfactual(0), "If the income changed from 330 to 1,200, the prediction would move from “bad” (71.0%) "
                        "to “bad”.", "label"),
    (TEXT_CF, "If the word “stale” were replaced by “fresh”, the prediction would move from “other” (96.3%) "
              "to “great” (70.2%).", "number"),
    (TEXT_CF, "If the word “stale” were replaced by “fresh”, the prediction would move from “other” (90.0%) "
              "to “great” (59.2%).", "number"),
    (TEXT_CF, "The search found 4 different sets of changes that do this.", "number"),
    # images: a region that was not covered, a wrong action, the wrong label or probability
    (IMAGE_WI, "If the bottom right of the image were covered, the model would predict “lynx”.", "change"),
    (IMAGE_WI, "If the centre of the image were removed, the model would predict “lynx”.", "change"),
    (IMAGE_WI, "If the centre of the image were covered, the model would predict “tabby”.", "label"),
    (IMAGE_WI, "If the centre of the image were covered, the prediction would move to “lynx” (60.0%).", "number"),
])
def test_verifier_rejects_wrong_change_claims(record, sentence, claim):
    v = verify_sentence(sentence, record)
    assert not v.ok and v.reason.startswith(claim), v.reason


def test_wrong_claims_about_demo_records_are_rejected(change_records):
    from explainer_nlg.narrate.records import as_record

    rec = as_record(change_records["counterfactual"])
    text = narrate(rec, "support").text
    assert all(v.ok for v in verify_text(text, rec))
    new = rec["new_label"]
    for wrong in (text.replace("“fresh”", "“tasty”"), text.replace("“stale”", "“cookies”"),
                  text.replace(f"to “{new}”", f"to “{rec['label']}”"),
                  text.replace(f"{rec['new_probability']:.1%}", f"{rec['new_probability'] - 0.1:.1%}")):
        assert wrong != text and not all(v.ok for v in verify_text(wrong, rec)), wrong
    cover = as_record(change_records["cover"])
    t = narrate(cover, "customer").text
    assert not verify_text(t.replace("centre", "bottom left"), cover)[0].ok


def test_change_records_are_deterministic_and_quote_words_literally():
    import copy

    rec = {**TEXT_CF, "changes": [{"feature": "<b>stale</b>", "from": "<b>stale</b>", "to": "{name}"},
                                  {"feature": "Café", "from": "Café", "to": None}]}
    for audience in AUDIENCES:
        t = _template_only(rec, audience)
        assert t == narrate(copy.deepcopy(rec), audience).text
        assert "“<b>stale</b>”" in t and "“{name}”" in t and "“Café”" in t
    assert narrate(IMAGE_WI, "support").text == narrate(copy.deepcopy(IMAGE_WI), "support").text
    assert not verify_sentence("If the word “<b>stale</b>” were replaced by “name”, the model would predict "
                               "“great”.", rec).ok


def test_a_small_change_is_written_with_the_decimals_that_tell_its_ends_apart():
    """A counterfactual that moves a value from 0.9932 to 0.9871 read "from 0.99 to 0.99" (seen on
    a model of carData::Mroz). The two ends are written apart, and the sentence still verifies."""
    from explainer_nlg import Explainer
    from explainer_nlg.narrate.records import as_record

    ex = Explainer.demo("loan")
    income = float(ex.rows().loc[17, "Income"])
    w = ex.what_if(17, [{"feature": "Income", "action": "set", "value": income + 0.004}])
    for audience in AUDIENCES:
        text = narrate(w, audience).text
        if audience == "customer" and "Income" not in text and "income" not in text:
            continue  # the customer text may leave out a change that moved nothing
        assert f"from {income:,.0f} to {income + 0.004:,.3f}" in text, (audience, text)
        assert all(v.ok for v in verify_text(text, as_record(w))), (audience, text)
