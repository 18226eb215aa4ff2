"""Tagged spans + the schema -> the parse's slots: filters, changes, row id, k, target, features,
a described applicant's values, compared groups, and what could not be settled.

The learned model says which words are a feature, a value, a number, a comparison and so on; this
module links them to the schema (``chat.linking``) and pairs them up by position: a number belongs
to the feature named next to it in the same clause, with the comparison between them; a negation
flips the value that follows it. What cannot be settled is kept, not guessed: an ambiguous feature,
a feature the data does not have, a number with no feature, an outcome word that fits no class.

Over 400 lines on purpose: every pairing rule here (numbers to features, comparisons, negations,
values, booleans, groups, a described applicant) reads and marks the same list of spans, and the
order in which they claim spans is the algorithm; split across files, that order would be hidden.

>>> from explainer_nlg.chat.schema import ChatSchema
>>> s = ChatSchema(["Age", "Income"], {"Home": ["own", "rent"]}, ["bad", "good"], numeric={"Age": (18, 90)})
>>> spans = [(13, 23, "CMP"), (24, 26, "NUM"), (31, 38, "VAL")]
>>> a = assemble("how many are older than 60 and renters", spans, ["count"], {}, s)
>>> a.filters
[{'feature': 'Age', 'cmp': '>', 'value': 60}, {'feature': 'Home', 'cmp': '==', 'value': 'rent'}]
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from . import gazetteer, linking, value_forms
from .lexicon import (
    LESS_COMPARATIVES,
    MEASURES,
    MORE_COMPARATIVES,
    RACED,
    SEXED,
    action,
    comparator,
    is_negated,
    question_word_misspelt,
    read_number,
)
from .outcomes import YES, in_target_description, is_outcome_word, names_event, resolve
from .schema import ChatSchema, split_words

# Words the tagger may mark as a feature that name the model or the data, not a column.
NOT_FEATURES = {"model", "data", "prediction", "predictions", "decision", "outcome", "result", "features", "feature",
                "rows", "row", "people", "applicant", "applicants", "it", "this", "that", "one", "case", "cases",
                "factor", "factors", "reason", "reasons", "variables", "columns", "chance", "chances", "odds",
                "probability", "risk", "class", "label", "accuracy", "everyone", "anything", "things", "score",
                # words of no column that the tagger can take for one ("been *in* her job 10 yrs")
                "in", "on", "at", "of", "to", "for", "by", "the", "a", "an", "her", "his", "their", "its",
                # statistics, which a question asks of a column, never name one ("whats the avg prediction")
                "avg", "average", "mean", "median", "number"}
CLAUSE = re.compile(r"[,;?!.]|\b(?:and|but|or|then|also|while|whereas)\b")
LINK_WORD = 0.8  # a mention that links to a column at least this well names the column
INSTANCE_OPS = {"why", "why_not", "predict", "confidence", "show", "counterfactual", "similar", "rules"}
# Operations about a group of rows: an outcome word there says which rows ("how many were denied").
COHORT_OPS = {"count", "show", "statistics", "mistakes"}
GROUP_WORDS = re.compile(r"\b(?:the model|it|they|were|was|are|is|got|get|been|being|predicted(?: as)?|classified as|"
                         r"labell?ed(?: as)?)\s+$")
# Nouns that put a row id after them ("customer 9", "row 17", "#3"): the English convention the old
# slot filler relied on too; the tagger learns it, this catches what it misses.
ROW_NOUNS = (r"(?:row|id|applicant|customer|client|case|person|passenger|patient|mother|record|entry|instance|"
             r"sample|number|no\.|borrower|individual|member|user|account|subject|respondent|participant|employee|"
             r"worker|student|loan|household|house|#)")
PEOPLE = (r"(?:people|ppl|persons?|applicants?|customers?|clients?|patients?|passengers?|mothers?|moms?|those|ones|"
          r"anyone|everyone|kids|children|adults|men|women|guys|girls|boys|folks|borrowers?|individuals?|"
          r"members?|users?|employees?|workers?|staff|students?|seniors|someone|somebody)")
STOPWORDS = {"a", "an", "the", "it", "or", "and", "of", "to", "is", "be", "lot", "one", "ones", "that", "this"}


@dataclass
class Assembled:
    filters: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    row: dict = field(default_factory=dict)
    groups: list[list[dict]] = field(default_factory=list)
    instance: int | None = None
    k: int | None = None
    targets: list[tuple[str, str, bool]] = field(default_factory=list)  # (class, word, negated)
    features: list[str] = field(default_factory=list)
    ambiguous: list[dict] = field(default_factory=list)     # {"term", "candidates"}
    unknown: list[str] = field(default_factory=list)        # feature words the data has no column for
    loose_numbers: list[dict] = field(default_factory=list)  # {"text", "value", "cmp"} with no feature
    unresolved: list[str] = field(default_factory=list)     # outcome words that fit no class
    notes: list[str] = field(default_factory=list)          # unit readings etc., said in the answer
    not_applied: list[str] = field(default_factory=list)    # group words the data cannot express ("women")
    bounds: bool = False  # a "change" was a bound ("if glucose is under 100"): a condition, not an edit
    all_rows: bool = False  # a rate asked of no group ("whats the approval rate"): over every row


@dataclass
class _Span:
    start: int
    end: int
    tag: str
    text: str
    used: bool = False
    link: Any = None


def assemble(text: str, raw_spans: list, ops: list[str], flags: dict, schema: ChatSchema) -> Assembled:
    """The slots of one question (see the module docstring)."""
    raw_spans = list(raw_spans) + gazetteer.fill(text, raw_spans, schema)  # names the tagger missed
    spans = [_Span(a, b, t, text[a:b]) for a, b, t, *_ in sorted(raw_spans)]
    out = Assembled()
    if schema.kind != "tabular":
        _classes(text, spans, out, schema)
        for sp in spans:
            if sp.tag == "K":
                out.k = _int(sp.text)
        return out
    spans = _one_number(text, spans)
    spans = _measured_numbers(text, spans, schema)
    spans = _possessive_ids(text, spans)
    spans = _joined_pieces(text, spans)
    spans = _feature_then_number(text, spans, schema)
    spans = _number_inside_mention(text, spans, schema)
    classes = {str(c).lower() for c in schema.classes or ()}
    for sp in spans:
        if sp.tag in ("CLS", "PRED", "LABEL") and re.fullmatch(r"\d+(?:\.\d+)?", sp.text.strip()) and \
                sp.text.strip() not in classes and any(o.tag == "FEAT" and 0 < o.start - sp.end <= 2 for o in spans):
            sp.tag = "NUM"  # "applicants with 3 reports" tagged as an outcome: a number of the feature after it
    _ids_by_form(text, spans, schema)
    _numbers_in_names(text, spans, schema)
    for sp in spans:
        if sp.tag == "FEAT" and linking.target_unit(sp.text, schema) and re.search(r"\d\s*$", text[:sp.start]):
            sp.tag, sp.used = "UNIT", True  # "40 MPa": the unit the predicted quantity is described in
        if sp.tag == "NEG" and sp.text.lower().strip() in ("only", "just", "solely"):
            sp.tag, sp.used = "SAID", True  # "people with only primary education": those, not the others
        if sp.tag == "NEG" and any(o.tag in ("FEAT", "VAL") and (o.start, o.end) == (sp.start, sp.end) for o in spans):
            sp.tag, sp.used = "SAID", True  # "nonwhite" read also as a negation: the column's own name
        if sp.tag == "VAL" and any(o.tag in ("CLS", "PRED", "LABEL") and (o.start, o.end) == (sp.start, sp.end)
                                   for o in spans) and \
                linking.link_value(sp.text, schema, use_embeddings=False).score < 0.95 and resolve(sp.text, schema):
            sp.tag, sp.used = "SAID", True  # "predicted smokers" read also as a value no column has: the class
        elif sp.tag == "VAL" and linking.link_value(sp.text, schema, use_embeddings=False).score < 0.8 and \
                linking.link_feature(sp.text, schema, use_embeddings=False).score < 0.8 and \
                is_outcome_word(sp.text, schema) and resolve(sp.text, schema):
            # "non smokers" where the model predicts ``smoke``: the class, its negation with it
            neg = next((o for o in spans if o.tag == "NEG" and re.fullmatch(r"\s*-?\s*", text[o.end:sp.start])), None)
            if neg is not None and resolve(text[neg.start:sp.end], schema):
                neg.tag, neg.used = "SAID", True
                sp.start = neg.start
                sp.text = text[sp.start:sp.end]
            sp.tag = "CLS"
        if sp.tag in ("VAL", "FEAT") and sp.text.lower().strip() in ("ones", "the ones", "those ones") and \
                linking.link_feature(sp.text, schema, use_embeddings=False).score < 0.95:
            sp.tag, sp.used = "SAID", True  # "cauc ones": a pronoun for rows, never the value 1
        if sp.tag == "ACT" and action(sp.text) is None and re.search(r"\b(?:was|were|is|be|been)\s+$", text[:sp.start].lower()):
            v = linking.link_value(sp.text, schema, use_embeddings=False)
            if v.best is not None and v.score >= 0.95:
                sp.tag = "VAL"  # "if it was new": a value of ``cond``, not an edit word
    _merge_features(text, spans, schema)
    spans = _number_words(text, spans, schema)
    spans = _value_phrases(text, spans, schema)
    spans = _granted(text, spans, schema)
    spans = _target_named(text, spans, schema)
    spans = _target_phrase(text, spans, schema)
    spans = _class_word_before_the_target(text, spans, schema)
    _target_mentions(text, spans, schema)
    _class_then_rows(spans, schema)
    spans = _class_words_said_otherwise(text, spans, schema)
    spans = _class_phrases(text, spans, schema)
    spans = _outcome_phrases(text, spans, schema)
    if "statistics" in ops:
        for sp in spans:  # "average doctor visits" where a class (or a value) is "average": the statistic
            if sp.tag in ("CLS", "PRED", "LABEL", "VAL") and sp.text.lower().strip() in linking.ASKING and \
                    re.match(r"\s+[a-z]", text[sp.end:].lower()) and not GROUP_WORDS.search(text[:sp.start].lower()):
                sp.tag, sp.used = "SAID", True
    for sp in spans:
        if sp.tag == "ID" and _is_amount(text, sp):
            sp.tag = "NUM"  # "$178,731", "150,000": an amount, not a row id
        if sp.tag == "ID" and out.instance is None:
            n = read_number(sp.text.strip().lstrip("#"))  # "-5", "1e9": named as typed, then refused
            if n is None:
                n = read_number(re.sub(r"[^\d.]", "", sp.text) or sp.text)
            if isinstance(n, (int, float)) and float(n).is_integer():
                out.instance = int(n)
                sp.used = True
        elif sp.tag == "K":
            out.k = _int(sp.text)
            sp.used = True
    if out.instance is None and ops and not flags.get("new_row") and ops[0] not in ("predict", "why", "why_not",
                                                                                      "counterfactual", "confidence",
                                                                                      "what_if"):
        # ("would i get approved if i earned more": the outcome the what-if asks about, not a group)
        for sp in spans:
            # "how many were approved", "approved applicants": the rows the model approved
            if sp.tag == "CLS" and (ops[0] in COHORT_OPS or GROUP_WORDS.search(text[:sp.start].lower())
                                    or re.match(r"\s+" + PEOPLE + r"\b", text[sp.end:].lower())):
                sp.tag = "PRED"
            if sp.tag == "PRED" and _happened(text, sp, schema):
                sp.tag = "LABEL"  # "how many defaulted": what happened, where the data records it
    _yes_no_values(text, spans, schema)
    _classes(text, spans, out, schema)
    _merge_features(text, spans, schema)  # a class word that named no class may be a feature's first word
    _opposite_sides(spans, schema)
    cohort = bool(out.instance is None and ops and ops[0] in COHORT_OPS and not flags.get("new_row"))
    _link(text, spans, out, schema, person=bool(flags.get("new_row")), cohort=cohort)
    _yes_no_compounds(text, spans, schema)
    # "grade 3 tumours": a vague word one of whose candidates the question names outright is that one
    named = {sp.link for sp in spans if sp.tag == "FEAT" and isinstance(sp.link, str)}
    out.ambiguous = [a for a in out.ambiguous if "value" in a or not named & set(a["candidates"])]
    _id_as_value(text, spans, out, schema)
    mode = ("changes" if "what_if" in ops or flags.get("correction") else
            "row" if flags.get("new_row") and out.instance is None else
            "groups" if ops and ops[0] == "compare" else "filters")
    # Whether a yes/no feature named without a value ("smokers", "who work overtime") gives one.
    named = [sp for sp in spans if sp.tag == "FEAT" and sp.link is not None and sp.link not in schema.booleans]
    if mode in ("changes", "row"):
        policy = "always"  # "what if he had a job", "a smoker": a value
    elif out.instance is None and ops and (ops[0] not in ("statistics", "define", "effect", "interactions", "help",
                                                          "describe_data", "describe_model") or
                                           ops[0] == "statistics" and named):
        policy = "group"  # "how many smokers", "average age of smokers": the group
    else:
        policy = "said"  # "does smoking matter", "stats on smoke": the feature itself
    pairs = _pairs(text, spans, out, schema, policy)
    # "for 3 *years*" read as the unit of a number: not a vague mention of the columns about years
    units = {sp.text for sp in spans if sp.tag == "UNIT"}
    out.ambiguous = [a for a in out.ambiguous if "value" in a or a["term"] not in units]
    if mode == "row" and any(p["cmp"] in ("<", ">", "<=", ">=") and p["kind"] == "number" for p in pairs) and \
            not AGED_PERSON.search(text.lower()):
        # "someone with a credit history of 4 or more": a group, not one person described ("a 30
        # year old with an income over 100" stays one person)
        mode = "filters"
    attribute = (out.instance is not None and ops and all(o in INSTANCE_OPS for o in ops) and mode == "filters"
                 or bool(ops) and ops[0] in ("define", "describe_data", "describe_model"))
    # "does age interact with menopause": a yes/no column named by its value is a feature paired, not a group
    paired = bool(ops) and ops[0] == "interactions" and out.instance is None
    # "does being a student matter", "does medicaid matter": the effect of the feature the value
    # belongs to, where no feature is named apart from it (not the effect within that group)
    attribute = attribute or bool(ops) and ops[0] == "effect" and mode == "filters" and out.instance is None and \
        len(pairs) == 1 and pairs[0]["kind"] == "value" and not any(
            sp.tag == "FEAT" and sp.link is not None and not sp.used for sp in spans)
    for p in pairs:
        feat, value, cmp, kind = p["feature"], p["value"], p["cmp"], p["kind"]
        if attribute and kind != "number" or paired and kind == "value" and feat in schema.booleans:
            out.features.append(feat)  # "is 19 a citizen": about the row, not a cohort
            continue
        if mode == "changes":
            out.changes.append(_change(p, schema))
            out.bounds = out.bounds or cmp in ("<", ">", "<=", ">=") and kind == "number" and not p.get("act")
        elif mode == "row":
            # the description's own value stands: "no previous pancreatitis ...: would she get
            # pancreatitis?" ends with the outcome asked, not a second value
            out.row.setdefault(feat, value)
        elif mode == "groups":
            group = [{"feature": feat, "cmp": cmp, "value": value}]
            if group not in out.groups:  # "homeowners and renters": a group read twice is one group
                out.groups.append(group)
        elif attribute:
            out.features.append(feat)
        else:
            out.filters.append({"feature": feat, "cmp": cmp, "value": value})
    if mode == "groups" and out.groups:
        # "clump thickness under 4 and over 7": a bound with no feature of its own is a second group
        # on the feature just compared
        last = out.groups[-1][0]["feature"]
        for n in [n for n in out.loose_numbers if n["cmp"] in ("<", ">", "<=", ">=")]:
            out.groups.append([{"feature": last, "cmp": n["cmp"], "value": n["value"]}])
            out.loose_numbers.remove(n)
    for sp in spans:
        if sp.tag == "FEAT" and not sp.used and sp.link is not None:
            if policy == "group" and mode == "filters" and len(schema.categories.get(sp.link) or ()) == 1:
                # "blue collar workers" where every row's ``bluecol`` is "yes": the column's one value
                out.filters.append({"feature": sp.link, "cmp": "==", "value": schema.categories[sp.link][0]})
                continue
            if mode in ("changes", "row") or policy == "group" and mode == "filters":
                # "smoking moms", "if she didnt smoke": the value of a two-valued column that the
                # word's side of a pair of opposites names (smoker / nonsmoker), negated or not
                negated = _negated_span(text, spans, spans.index(sp))
                side = linking.side_value(sp.text, sp.link, schema, negated=negated)
                if side is None and (negated or HAD.search(text[max(0, sp.start - 30):sp.start].lower())):
                    side = linking.presence_value(sp.link, schema, negated)  # "if she had no kids": children absent
                if side is not None:
                    if mode == "changes":
                        out.changes.append({"feature": sp.link, "action": "set", "value": side})
                    elif mode == "row":
                        out.row.setdefault(sp.link, side)
                    else:
                        out.filters.append({"feature": sp.link, "cmp": "==", "value": side})
                    continue
            had = _had_any(text, sp, schema) if policy == "group" and mode == "filters" else None
            if had is not None:
                out.filters.append({"feature": sp.link, "cmp": had[0], "value": had[1]})
                continue
            if mode == "changes" and sp.link in schema.numeric and sp.link not in schema.booleans:
                direction = _direction_near(text, sp, spans)
                if direction:
                    out.changes.append({"feature": sp.link, "action": direction[0], "value": None,
                                        **({"factor": direction[1]} if direction[1] else {})})
                    continue
            out.features.append(sp.link)
    out.features = list(dict.fromkeys(out.features))
    seen: set = set()
    out.changes = [c for c in out.changes if not (c["feature"] in seen or seen.add(c["feature"]))]
    if policy == "group" and mode == "filters":
        out.not_applied = _groups_not_in_data(text, schema)
        out.filters += _age_groups(text, spans, out, schema)
    if "mistakes" not in ops and not flags.get("correction"):  # "the misclassified ones" is what the mistakes operation means anyway
        out.filters += _correct_filter(text)
    out.filters = _unique(out.filters)
    return out


# ---- numbers and values said with their words ---------------------------------------------------

# "a 30 year old", "an 80-year-old": one person described by age (the parser's flag and the row mode)
AGED_PERSON = re.compile(r"\b(?:a|an)\s+\d+(?:\.\d+)?[\s-]*(?:years?|yrs?|yo)(?:[\s-]*old)?\b")
# Spans a whole value phrase may swallow: words of a mention, never a number, id, comparison or edit.
WORD_TAGS = ("FEAT", "VAL", "CLS", "PRED", "LABEL", "NEG", "MOD")
AGE_AFTER = re.compile(r"\s*-?\s*(?:years?|yrs?|yr)[\s-]*olds?\b|\s*(?:y/?o|yo)\b", re.I)


def _number_words(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """Numbers read by the words around them, whatever the tagger made of them:

    - "a 45 year old": an age, never a row id;
    - "9% rate" tagged as one feature mention: the number, then the feature;
    - "with 2 fireplaces", "garage for 3 cars": a count the next word names (a numeric column's
      own word) is that column's value, not "the top 2";
    - "a 60 month term", "36 months": a number and its unit that together are a category's value.
    """
    out: list[_Span] = []
    for sp in list(spans):
        two = re.fullmatch(r"(\S+?),\s+(\d[\d.]*\s*k?)", sp.text, re.I)
        if sp.tag == "NUM" and two and not re.fullmatch(r"\d{3}", two.group(2)):
            # "making 65k, 8 yrs on the job": two numbers, not one with a thousands separator
            second = sp.start + two.start(2)
            out.append(_Span(second, sp.end, "NUM", text[second:sp.end]))
            sp.end = sp.start + two.end(1)
            sp.text = text[sp.start:sp.end]
        m = re.match(r"\s*(\$?\d[\d,.]*\s*(?:k|%|percent)?)\s+(?=[A-Za-z])", sp.text, re.I)
        if sp.tag == "FEAT" and m and read_number(m.group(1).strip().rstrip("%")) is not None:
            num_end = sp.start + m.end(1)
            if not any(o.tag == "NUM" and o.start <= sp.start < o.end for o in spans):
                out.append(_Span(sp.start, num_end, "NUM", text[sp.start:num_end]))
            sp.start = sp.start + m.end()
            sp.text = text[sp.start:sp.end]
        tail = re.search(r"(?<=[A-Za-z])\s+(\d[\d,.]*\s*k?)\W*$", sp.text, re.I)
        if sp.tag == "FEAT" and tail and read_number(tail.group(1).rstrip(".,")) is not None and \
                " ".join(split_words(sp.text)).lower() not in _numbered_columns(schema):  # (never "store 7" of Store7)
            # "bmi 33" tagged as one feature mention: the feature, then its number
            a = sp.start + tail.start(1)
            b = a + len(tail.group(1).rstrip(".,"))
            if not any(o.tag == "NUM" and o.start <= a < o.end for o in spans):
                out.append(_Span(a, b, "NUM", text[a:b]))
            sp.end = sp.start + tail.start()
            sp.text = text[sp.start:sp.end]
        if sp.tag == "FEAT" and read_number(sp.text.strip()) is not None and any(
                o.tag == "NUM" and (o.start, o.end) == (sp.start, sp.end) for o in spans):
            continue  # "2k" tagged both a number and a feature: the number
        age = AGE_AFTER.match(text[sp.end:]) if sp.tag in ("ID", "NUM") else None
        column = age_column(schema) if age else None
        if column is not None and re.fullmatch(r"\d+", sp.text.strip()):
            # "17 year olds" on data with a column called year: the age, and "year" only its unit
            a, b = sp.end, sp.end + age.end()
            for o in spans:
                if o is not sp and o.start < b and a < o.end and o.tag in WORD_TAGS:
                    o.tag, o.used = "SAID", True
            unit = _Span(a, b, "FEAT", text[a:b])
            unit.link = column
            out.append(unit)
        if sp.tag == "ID" and (AGE_AFTER.match(text[sp.end:]) or any(o.tag == "ID" and o.end <= sp.start for o in spans) and (
                re.match(r"\s*(?:more|less|fewer|extra|higher|lower)\b", text[sp.end:].lower())
                or ASK_BEFORE.search(text[:sp.start].lower()))):
            sp.tag = "NUM"  # "a 45 year old"; "what if 17 asked for 500 less": the row is 17, 500 an amount
        if sp.tag == "K" and schema.kind == "tabular":
            word = re.match(r"\s*([a-z]+)", text[sp.end:].lower())
            if word and word.group(1) not in ("most", "top", "best", "biggest", "largest", "main", "more", "of"):
                w = linking.singular(word.group(1))
                own = [f for f in schema.numeric if f not in schema.booleans and
                       w in {linking.singular(x) for x in split_words(f) + ["".join(split_words(f))]}]
                if len(own) == 1:
                    sp.tag = "NUM"  # "2 fireplaces": the value of Fireplaces
        out.append(sp)
    out = [sp for sp in out if sp.text.strip()]
    if schema.kind == "tabular":
        for sp in out:
            if sp.tag not in ("NUM", "K") or sp.used:
                continue
            after = re.match(r"[\s-]*([a-z]+)(?:\s+([a-z]+))?", text[sp.end:].lower())
            if not after:
                continue
            for end in (after.end(), after.end(1)):
                phrase = text[sp.start:sp.end] + " " + " ".join(re.findall(r"[a-z]+", text[sp.end:sp.end + end].lower()))
                v = linking.link_value(phrase, schema, use_embeddings=False)
                if v.best is not None and v.score >= 1.0:
                    sp.tag, sp.link, sp.end = "VAL", v.best, sp.end + end
                    sp.text = text[sp.start:sp.end]
                    for o in out:  # the unit word is the value's, not a mention of its own
                        if o is not sp and o.start >= sp.start and o.end <= sp.end:
                            o.used, o.tag = True, "SAID"
                    break
    return sorted(out, key=lambda x: (x.start, x.end))


def _written_form(phrase: str, link: tuple, schema: ChatSchema) -> bool:
    """Whether the words, every one of them, are a way of writing the value (the linker drops
    quiet words such as "no", which must not vanish from a value phrase: "no credit history")."""
    low = re.sub(r"\s+", " ", phrase.lower()).strip()
    forms = {f for it in linking.index(schema).values if (it.feature, it.value) == tuple(link) for f in it.forms}
    return low in forms or linking.singular(low) in forms


def _value_phrases(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """A mention with the words beside it that together are a category's value as people say it:
    "some college" (Some_College) where the tagger marked "college"; "never travel" (Non-Travel)
    where it marked "never" and "travel"; "travel rarely". Only a phrase that is one of a value's
    forms exactly, and longer than the mention, replaces it."""
    if schema.kind != "tabular":
        return spans
    words = [m for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", text)]
    for sp in list(spans):
        if sp.tag not in WORD_TAGS or sp.used or sp not in spans:
            continue
        inside = [i for i, m in enumerate(words) if m.start() < sp.end and sp.start < m.end()]
        if not inside:
            continue
        lo, hi = inside[0], inside[-1]

        held = list(spans)

        def free(i: int, held: list[_Span] = held) -> bool:
            m = words[i]
            return all(o.tag in WORD_TAGS for o in held if o.start < m.end() and m.start() < o.end)

        best = None
        for k in range(0, 3):
            for j in range(0, 3):
                if not k and not j or lo - k < 0 or hi + j >= len(words):
                    continue
                if not all(free(i) for i in range(lo - k, hi + j + 1)):
                    continue
                a, b = words[lo - k].start(), words[hi + j].end()
                if not _same_clause(text, a, b):
                    continue
                v = linking.link_value(text[a:b], schema, use_embeddings=False)
                if v.best is not None and v.score >= 1.0 and (best is None or b - a > best[1] - best[0]) \
                        and _written_form(text[a:b], v.best, schema):
                    best = (a, b, v.best)
        if best is None:
            continue
        a, b, link = best
        spans = [o for o in spans if not (o.start < b and a < o.end and o.tag in WORD_TAGS)]
        spans.append(_Span(a, b, "VAL", text[a:b], link=link))
        spans.sort(key=lambda x: (x.start, x.end))
    return spans


# ---- classes -----------------------------------------------------------------------------------

YES_NO_WORDS = {"yes", "no", "true", "false", "y", "n"}
# What a question says of the model, not of what happened: "the ones it expects to quit".
MODEL_WORDS = re.compile(r"\b(?:model|it|predict\w*|expect\w*|think\w*|thinks|classif\w*|says?|would|will|"
                         r"likely|flag\w*|score\w*|rate[sd]?)\b")


PAY_AFTER = re.compile(r"\s*(?:a (?:year|month) |per (?:year|month) |more |extra )?(?:pay ?)?(?:raise|rise|pay ?cut|salary "
                       r"(?:bump|increase|cut)|bonus)\b")
ASK_BEFORE = re.compile(r"\b(?:ask(?:s|ed|ing)? for|wants?|wanted|needs?|needed|borrow(?:s|ed|ing)?|request(?:s|ed|ing)?|"
                        r"appl(?:y|ies|ied|ying) for|took out|takes out)\s+(?:a |an |only |just |another )?[$€£]?\s*$")
EARN_BEFORE = re.compile(r"\b(?:earn(?:s|ing|ed)?|mak(?:e|es|ing)|made|paid|salary of|income of)\s+"
                         r"(?:about |around |only |just |over |under |above |below |less than |more than |at least |"
                         r"at most )?[$€£]?\s*$")
# "8 yrs on the job", "3 years at their address": how long, at what (the column the place names)
TENURE_AFTER = re.compile(r"\s*(?:years?|yrs?|months?)\s+(?:at|on|in|with)\s+(?:the |their |her |his |my |a |this |"
                          r"that |current |same )?(job|work|employer|company|address|home|residence)\b")
# "been in her job 10 yrs", "at the same address for 3 years": the place first, then how long
TENURE_BEFORE = re.compile(r"\b(?:in|at|on|with)\s+(?:the |their |her |his |my |a |this |that |current |same )?"
                           r"(job|work|employer|company|address|home|residence)\s+(?:for\s+)?(?:about\s+|around\s+)?$")
DURATION = re.compile(r"\b(?:tenure|duration|length|since|years?|yrs|months?|time)\b")
# "got the loan", "get a card", "received coverage": what the person was given, said as the thing
# itself; an outcome (the desirable class), and where it "got" it, what happened.
GRANTED = re.compile(r"\b(?:got|get|gets|getting|received?|receives|receiving|was given|were given|granted)\s+"
                     r"(?:the |a |an |their |his |her |my |any )?(?:loans?|credit|mortgages?|cards?|financing|"
                     r"funding|coverage|insurance|offers?)\b", re.I)


def _granted(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """A class span for "got the loan" where no outcome word is tagged (``outcomes`` reads the
    thing granted as the desirable class). Where the tagger marked only the thing ("loan" of
    "received a loan"), the span takes the verb too, keeping its tag: the thing alone reads as the
    target's event ("loan" of ``loan_status``: defaulting), the opposite of what was asked."""
    if not schema.classes:
        return spans
    m = GRANTED.search(text)
    if m is None or resolve(m.group(0), schema) is None:
        return spans
    outcome = [sp for sp in spans if sp.tag in ("CLS", "PRED", "LABEL")]
    if any(not (m.start() <= sp.start and sp.end <= m.end()) for sp in outcome):
        return spans  # an outcome word of its own elsewhere ("got the loan and defaulted")
    tag = next((sp.tag for sp in outcome), "CLS")
    spans = [sp for sp in spans if not (sp.start < m.end() and m.start() < sp.end and sp.tag in WORD_TAGS)]
    return sorted(spans + [_Span(m.start(), m.end(), tag, m.group(0))], key=lambda x: (x.start, x.end))


# "make 8 get ui", "had she received ui": the target's own name after a verb of getting or being
GOT_THE_TARGET = r"\b(?:get|gets|got|getting|receive[sd]?|receiving|ha[sd]|have|having|on|be|been)\s+(?:the\s+|any\s+)?$"


def _target_named(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """A class span for the target's own name, untagged, after a verb of getting ("what would make
    8 get ui" for a yes/no target ``ui``): the tagger knows outcome words, not a column's short name."""
    name = (schema.target or "").lower()
    if not schema.classes or schema.kind != "tabular" or not re.fullmatch(r"[a-z][a-z0-9]+", name) or \
            name in {f.lower() for f in schema.features}:
        return spans
    yes = [c for c in schema.classes if str(c).lower() in YES]
    if len(schema.classes) == 2 and len(yes) == 1:
        # "how many blue collar workers applied" where ``ui`` is described "applied for ... benefits":
        # the description's own verb, said of the rows, is its "yes"
        for m in re.finditer(r"\b(?:" + PEOPLE + r"|" + ROW_NOUNS + r"s?|who|that)\s+(?:have\s+|had\s+|ever\s+)?([a-z]{3,}ed)\b",
                             text.lower()):
            a, b = m.span(1)
            over = [sp for sp in spans if sp.start < b and a < sp.end]
            # (a feature mention of that word alone that names no column is the tagger's guess)
            if in_target_description(m.group(1), schema) and all(
                    sp.tag == "FEAT" and (sp.start, sp.end) == (a, b) and
                    linking.link_feature(sp.text, schema, use_embeddings=False).score < 0.8 for sp in over):
                spans = sorted([sp for sp in spans if sp not in over] + [_Span(a, b, "CLS", text[a:b], link=yes[0])],
                               key=lambda x: (x.start, x.end))
                _description_goes_on(text, b, spans, schema)
    for m in re.finditer(r"\b" + re.escape(name) + r"\b", text.lower()):
        verb = re.search(GOT_THE_TARGET, text[:m.start()].lower())
        if any(sp.start < m.end() and m.start() < sp.end for sp in spans) or verb is None:
            continue
        # "not get ui", "never had ui": the other class, the negation with it
        neg = re.search(r"\b(?:not|never|no|n't)\s+$", text[:verb.start()].lower())
        start = neg.start() if neg else m.start()
        if resolve(("not " if neg else "") + m.group(0), schema) is None:
            continue
        spans = [sp for sp in spans if not (sp.tag == "NEG" and start <= sp.start and sp.end <= m.end())]
        spans = sorted(spans + [_Span(start, m.end(), "CLS", text[start:m.end()])], key=lambda x: (x.start, x.end))
    return spans


def _description_goes_on(text: str, at: int, spans: list[_Span], schema: ChatSchema) -> None:
    """The words after the target description's own verb that go on as the description does
    ("applied for benefits" of ``ui``, "applied for (and received) UI benefits"): part of the
    outcome said, not a mention of a column that shares a word ("benefit" of ``statemb``, "state
    maximum benefit level")."""
    m = re.match(r"\s+(?:for|of|to|in|on)\s+(?:the\s+|any\s+|some\s+|their\s+)?", text[at:].lower())
    if m is None:
        return
    nxt = next((sp for sp in spans if sp.start == at + m.end() and sp.tag == "FEAT"), None)
    if nxt is None:
        return
    desc = re.sub(r"\([^)]*\)", " ", str((schema.descriptions or {}).get(schema.target or "") or "")).lower()
    said = [linking.singular(w) for w in re.findall(r"[a-z]+", text[:at].lower())[-1:] +
            re.findall(r"[a-z]+", text[at:nxt.end].lower())]
    words = [linking.singular(w) for w in re.findall(r"[a-z]+", desc)]
    i = 0
    for w in words:  # the words said, in the description's order (others may lie between)
        if i < len(said) and (w == said[i] or said[i] in ("the", "any", "some", "their")):
            i += 1
    if i == len(said) and all(in_target_description(w, schema) for w in linking.content_words(nxt.text)):
        nxt.tag, nxt.used = "SAID", True


# "had premature labor", "with no complaints", "with a garage": whether a count column is above zero
HAD = re.compile(r"\b(?:(no|never had|never|without|not had|hasn't had|hadn't had)|had|has|have|having|with|who had|"
                 r"that had|any)\s+((?:a |an |any |some |previous |prior |past )*)$")


def _had_any(text: str, sp: _Span, schema: ChatSchema) -> tuple[str, Any] | None:
    """(">", 0) for a count column named after "had" or "with" and no number ("moms who had
    premature labor": ``ptl``, "number of previous premature labours"); ("==", 0) after "no" or
    "without". None for any other column, or where a number is near."""
    f = sp.link
    desc = str(schema.descriptions.get(f, "") or "").lower()
    if f not in schema.numeric or f in schema.booleans or schema.numeric[f][0] != 0:
        return None
    m = HAD.search(text[max(0, sp.start - 40):sp.start].lower())
    if m is None or re.search(r"\d", text[max(0, sp.start - 12):sp.end + 12]):
        return None
    # a column its description says counts, or a whole-number one said with "a", "any" or "no"
    # ("with a garage" for ``Garage_Cars``, "without a fireplace")
    counts = re.match(r"\s*(?:the )?(?:number|count|no\.) of\b", desc) or \
        f in schema.integers and (m.group(1) or re.search(r"\b(?:a|an|any|some)\b", m.group(2)))
    if not counts:
        return None
    return ("==", 0) if m.group(1) else (">", 0)


def _target_phrase(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """One class span for an outcome word and the words of the target's description after it ("low
    birth weight", "normal weight" for ``low``, "indicator of birth weight less than 2.5 kg"),
    where the tagger split them and took the description's words for a feature (``lwt``: the
    mother's weight)."""
    if not schema.classes or schema.kind != "tabular":
        return spans
    out: list[_Span] = []
    for sp in spans:
        prev = out[-1] if out else None
        # ("low birthweight babies": the words for the rows after it stay a mention of their own)
        said = sp.text
        rows = re.search(r"(?:\s+[a-z]+)$", said.lower())
        if rows and (_rows_word(rows.group().strip(), schema) or
                     rows.group().strip() in ("babies", "baby", "kids", "children", "people", "ones")):
            said = said[:rows.start()]
        if sp.tag == "FEAT" and prev is not None and prev.tag in ("CLS", "PRED", "CMP", "VAL") and \
                re.fullmatch(r"\s*", text[prev.end:sp.start]) and linking.content_words(said) and \
                all(in_target_description(w, schema) for w in linking.content_words(said)):
            end = sp.start + len(said)
            phrase = text[prev.start:end]
            if resolve(phrase, schema) is not None and resolve(prev.text, schema) is not None:
                out[-1] = _Span(prev.start, end, "PRED" if prev.tag == "PRED" else "CLS", phrase)
                if end < sp.end:
                    sp.used = True  # (a word for the rows: the class says which rows)
                continue
        out.append(sp)
    return out


def _target_mentions(text: str, spans: list[_Span], schema: ChatSchema) -> None:
    """"people without insurance" for a target ``hasInsurance``: the target column named as a
    value, with its negation, is a class; in a group of rows, what the data records."""
    words = {linking.singular(w) for w in split_words(schema.target or "")} - {"is", "has", "have", "status", "flag",
                                                                                 "class", "label", "y", "target"}
    if not words or not schema.classes:
        return
    for sp in spans:
        if sp.tag not in ("FEAT", "VAL", "CLS", "PRED") or sp.used:
            continue
        if _what_the_target_counts(text, sp, schema):
            continue
        # (and the doer of the target's verb: "smokers" of ``smoke``, "defaulters" of ``default``)
        mine = {w if w in words or not w.endswith("er") else w[:-1] if w[:-1] in words else w[:-2]
                for w in (linking.singular(w) for w in split_words(sp.text))}
        if not mine or not mine <= words:
            continue
        if _counted(text, sp, schema):
            continue  # "2 more cards" where the target is ``card``: things counted, a column that counts them
        neg = re.search(r"\b(?:without|no|not|never|non)\s+(?:an?\s+|any\s+)?$", text[:sp.start].lower())
        start = neg.start() if neg else sp.start
        cls = resolve(text[start:sp.end], schema)
        if cls is not None:
            sp.start, sp.text, sp.link = start, text[start:sp.end], "target"
            sp.tag = "PRED" if sp.tag == "PRED" else "CLS"
            for o in spans:  # the negation is the class's now
                if o is not sp and o.tag == "NEG" and o.start >= start and o.end <= sp.end:
                    o.used, o.tag = True, "SAID"


def _class_word_before_the_target(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """"normal weight" where the target ``low`` is described "birth weight less than 2.5 kg": an
    untagged word that reads as a class, right before a word of the target's description, is that
    class (the pair says it), not a column the second word may name."""
    for sp in list(spans):
        if sp.tag != "FEAT" or not all(in_target_description(w, schema) for w in linking.content_words(sp.text) or ["-"]):
            continue
        m = re.search(r"([A-Za-z]+)\s+$", text[:sp.start])
        if m is None or any(o.start < sp.start and m.start(1) < o.end for o in spans if o is not sp):
            continue
        cls = resolve(m.group(1), schema)
        if cls is not None and len(schema.classes) == 2:
            spans.remove(sp)
            spans.append(_Span(m.start(1), sp.end, "CLS", text[m.start(1):sp.end], link=cls))
    return sorted(spans, key=lambda x: (x.start, x.end))


def _what_the_target_counts(text: str, sp: _Span, schema: ChatSchema) -> bool:
    """"sites with frogs", "predicted to have frogs" where the target (``pres.abs``) is described
    "were corroboree frogs found at the site: 1 = present, 0 = absent": the thing whose presence
    the target records, named, is its event class ("without frogs": the other). Not where a
    column is named by the word itself."""
    said = linking.content_words(sp.text)
    if sp.tag not in ("FEAT", "VAL") or not said or not all(in_target_description(w, schema) for w in said) or \
            linking.link_feature(sp.text, schema, use_embeddings=False).score >= 0.95 or resolve(sp.text, schema):
        return False  # (a word that names a class itself, "diabetic", is read as that class elsewhere)
    from .outcomes import FOUND, readings

    event = [c for c, r in readings(schema).items() if r.event]
    if len(event) != 1 or len(schema.classes) != 2 or str(event[0]).lower().strip() not in FOUND:
        return False  # (only a target of presence: "wells" of "switched to a safe well" is no class)
    neg = re.search(r"\b(?:without|no|not|never|non)\s+(?:an?\s+|any\s+)?$", text[:sp.start].lower())
    sp.link = event[0] if not neg else next(c for c in schema.classes if c != event[0])
    sp.tag = "CLS"
    return True


COUNTED_BEFORE = re.compile(r"(?:\b\d[\d,.]*|\b(?:more|fewer|another|extra|additional|several|many|few))\s+"
                            r"(?:more\s+|fewer\s+|extra\s+|additional\s+|other\s+)?$")


def _counted(text: str, sp: _Span, schema: ChatSchema) -> bool:
    """Whether a mention is of things counted ("2 more cards", "another card") that a column
    counts: a feature, even where the words also name the target (``card``: was one granted)."""
    return COUNTED_BEFORE.search(text[:sp.start].lower()) is not None and \
        linking.link_feature(sp.text, schema).score >= 0.8


def _outcome_tag(inside: list[_Span]) -> str:
    """The tag of one class span made of the tagger's pieces: "PRED" where any piece is the model's
    (its "Too" LABEL and "Much" PRED: the model's, until words before it say the data records it,
    which ``_happened`` reads), else "LABEL" where any is, else "CLS"."""
    tags = {sp.tag for sp in inside}
    return "PRED" if "PRED" in tags else "LABEL" if "LABEL" in tags else "CLS"


def _class_phrases(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """Class names of several words said whole ("a high balance" where a class is "high balance")
    are the class, whatever the tagger made of their words (a feature "balance"); and the target
    column's own name beside a class word ("excellent health" for a target ``health``) belongs to
    that class word, not asked about on its own."""
    if schema.kind != "tabular" or not schema.classes:
        return spans
    low = text.lower()
    placed: list[_Span] = []
    for cls in sorted(schema.classes, key=lambda c: -len(str(c))):  # "not credit worthy" before "credit worthy"
        if len(str(cls).split()) < 2:
            continue
        for m in re.finditer(r"\b" + re.escape(str(cls).lower()) + r"\b", low):
            inside = [sp for sp in spans if sp.start < m.end() and m.start() < sp.end]
            # (a class named whole takes the tagger's comparison in it: "too" of "Too Little")
            if inside and not any(sp in placed for sp in inside) and all(
                    sp.tag in ("FEAT", "VAL", "CLS", "PRED", "LABEL", "MOD", "CMP") and m.start() <= sp.start
                    and sp.end <= m.end() for sp in inside):
                tag = _outcome_tag(inside)
                spans = [sp for sp in spans if sp not in inside]
                new = _Span(m.start(), m.end(), tag, text[m.start():m.end()])
                new.link = cls  # the class by its own name: read as written, never re-resolved
                placed.append(new)
                spans.append(new)
    spans.sort(key=lambda x: (x.start, x.end))
    words = {linking.singular(w) for w in split_words(schema.target or "")}
    if not words:
        return spans
    for i, sp in enumerate(spans):
        mine = {linking.singular(w) for w in split_words(sp.text)}
        if sp.tag not in ("CLS", "PRED", "LABEL") or not mine or not mine <= words or resolve(sp.text, schema):
            continue
        prev = spans[i - 1] if i else None
        if prev is not None and prev.tag in ("CLS", "PRED", "LABEL") and re.fullmatch(r"\s*", text[prev.end:sp.start]) \
                and resolve(prev.text, schema) is not None:
            prev.end, prev.text = sp.end, text[prev.start:sp.end]
            sp.tag, sp.used = "SAID", True
    return spans


def _outcome_phrases(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """An outcome word the tagger cut from its verb ("back" of "were called back", "called" and
    "back" apart), which names no class alone: the phrase of up to three words ending with it,
    where that phrase names a class ("called back" where the target is described "Was the applicant
    called back?"). Only over words the tagger left untagged or tagged as outcome words."""
    if schema.kind != "tabular" or not schema.classes:
        return spans
    low = text.lower()
    tokens = list(re.finditer(r"[a-z][a-z'-]*", low))
    def unknown_column(o: _Span) -> bool:  # a word the tagger took for a column the data lacks ("lib")
        return o.tag == "FEAT" and linking.link_feature(o.text, schema, use_embeddings=False).score < 0.8

    for sp in spans:
        yes_no = sp.tag == "VAL" and sp.link is None and sp.text.lower().strip() in YES_NO_WORDS  # "voted yes"
        if sp.tag not in ("CLS", "PRED", "LABEL") and not yes_no or sp.used or sp.link is not None:
            continue
        alone = None if yes_no else resolve(sp.text, schema)
        if alone is not None and not any(unknown_column(o) and re.fullmatch(r"\s*", text[o.end:sp.start])
                                         for o in spans):
            continue  # (a class word that names one alone keeps it, but "lib" of "lib dem" joins it)
        ends = [i for i, t in enumerate(tokens) if t.end() == sp.end]
        if not ends:
            continue
        for i in range(max(0, ends[0] - 2), ends[0]):
            a = tokens[i].start()
            if tokens[i].group() in linking.STOP or tokens[i].group() in gazetteer.QUIET or a >= sp.start:
                continue  # (never "how many private")
            inside = [o for o in spans if o is not sp and o.start < sp.start and a < o.end]
            if any(o.tag not in ("CLS", "PRED", "LABEL") and not unknown_column(o) or o.start < a for o in inside):
                continue
            found = resolve(low[a:sp.end], schema)
            if found is not None and alone in (None, found):
                for o in inside:
                    o.tag, o.used = "SAID", True
                sp.start, sp.text = a, text[a:sp.end]
                sp.link = resolve(sp.text, schema)
                sp.tag = "CLS" if yes_no else sp.tag
                break
    return [sp for sp in spans if not (sp.tag == "SAID" and sp.end <= sp.start)]


def _class_words_said_otherwise(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """A class named by several words ("working part-time", "not working outside the home", read
    from R's "a factor with levels: parttime, Working part-time; ...") said in a few words of its
    own, in other forms ("work part time", "dont work", "arent working", "stay home"), which the
    tagger splits or misses: one class span. Only a phrase of two to five words whose words are all
    the class name's (by stem, a negation aside), so that a single word stays the tagger's call."""
    from .outcomes import (
        MANY_CLASSES,
        NOT_DOING,
        OPPOSITE_WORDS,
        _negated,
        _same,
        _stem,
        _word_reading,
        _words,
        readings,
    )

    low = text.lower()
    target = {_stem(w) for w in split_words(schema.target or "")}
    # the opposite of the target's name ("public" of a target ``Private``): the other class
    opposite = {w for w, o in OPPOSITE_WORDS.items() if _stem(o) in target and re.search(r"\b" + w + r"\b", low)}
    if schema.kind != "tabular" or not 2 <= len(schema.classes) <= MANY_CLASSES or \
            not (opposite or any(len(_words(str(c))) >= 2 for c in schema.classes)):
        return spans
    tokens = list(re.finditer(r"[a-z][a-z'-]*", low))
    fixed = [sp for sp in spans if sp.tag not in WORD_TAGS]  # (never over a number, an id or a comparison)
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 5) - 1, i - 1, -1):
            a, b = tokens[i].start(), tokens[j].end()
            phrase = low[a:b]
            if tokens[i].group() in linking.STOP or tokens[i].group() == "to" or re.search(r"[^a-z' -]", phrase) or any(f.start < b and a < f.end for f in fixed) or \
                    (j == i and phrase not in NOT_DOING and phrase not in opposite):
                continue
            neg, core = _negated(phrase)
            if neg and re.search(r"\b(?:why|how come)\b", low[:a]):
                continue  # "why not a recurrence", "how come 230 isnt credit worthy": the negation is the question's
            cls = resolve(phrase, schema)
            if cls is None:
                continue
            own = {_stem(w) for w in _words(_negated(str(cls))[1])}
            good = readings(schema)[cls].desirable
            # each word the class name's, or one that says as much ("die" of "died from melanoma")
            if phrase in opposite or all(any(_same(_stem(w), o) for o in own) or
                                         good is not None and _word_reading(w).desirable is good
                                         for w in _words(core) if w not in linking.STOP):
                found.append((a, b, str(cls)))
                i = j
                break
        i += 1
    for a, b, cls in found:
        inside = [sp for sp in spans if sp.start < b and a < sp.end]
        for sp in list(inside):  # "public colleges": the class, then a word for the rows, which stays one
            rest = low[b:sp.end].strip()
            if sp.end > b and sp.start >= a and rest and all(_rows_word(w, schema) for w in rest.split()):
                sp.start = b + len(text[b:sp.end]) - len(text[b:sp.end].lstrip())
                sp.text = text[sp.start:sp.end]
                inside.remove(sp)
        if any(sp.start < a or sp.end > b for sp in inside):
            continue  # (a mention that reaches past the phrase is the tagger's)
        tag = _outcome_tag(inside)
        new = _Span(a, b, tag, text[a:b])
        # (the opposite of the target's name is the target named, as its own name is: "rural stores")
        new.link = "target" if low[a:b] in opposite else cls
        spans = [sp for sp in spans if sp not in inside] + [new]
    return sorted(spans, key=lambda x: (x.start, x.end))


def _happened(text: str, sp: _Span, schema: ChatSchema) -> bool:
    """Whether an outcome word says what happened to people ("how many defaulted", "those who
    quit", "how many got the loan"), not what the model decided: counted from the true labels
    where the data has them. Decisions ("approved", "denied", "flagged") stay the model's unless
    "actually" says otherwise."""
    if not schema.has_labels:
        return False
    start = max([m.end() for m in CLAUSE.finditer(text[:sp.start])] or [0])
    if sp.link == "target" or sp.link in schema.classes and (in_target_description(sp.text, schema) or any(
            in_target_description(w, schema) for w in sp.text.split()) and _said_past(text, sp, schema)):
        # the target column itself, named as a value, or the verb its description records ("applied"):
        # what the data records
        return not MODEL_WORDS.search(text[start:sp.start].lower())
    if re.match(r"(?:got|received?|was given|were given)\b", sp.text.lower()) and GRANTED.match(sp.text):
        return not MODEL_WORDS.search(text[max(0, sp.start - 20):sp.start].lower())
    from .outcomes import happened_word

    start = max([m.end() for m in CLAUSE.finditer(text[:sp.start])] or [0])
    lead = re.match(r"[a-z]+(?:\s+(?:for|with))?\s+", sp.text.lower())  # ("voted yes" said as one span)
    if CHOSE.search(text[start:sp.start].lower()) or lead and CHOSE.search(text[start:sp.start].lower() + lead.group()):
        # "how many bought MM", "people who chose the premium plan": a choice made, which the data records
        return not MODEL_WORDS.search(text[start:sp.start].lower())
    return happened_word(sp.text) and not MODEL_WORDS.search(text[start:sp.start].lower())


def _said_past(text: str, sp: _Span, schema: ChatSchema) -> bool:
    """Whether an outcome phrase is said in the past ("were called back", "voted yes", "those
    called back"): a past verb among the three words before it, or in it where the verb is no word of
    a class's name ("are not employed" is no past, "employed" being the class's own word)."""
    before = " ".join(text[:sp.start].lower().split()[-3:])
    names = {w for c in schema.classes for w in split_words(str(c))}
    return bool(PAST.search(before)) or any(PAST.fullmatch(w) and w not in names
                                             for w in re.findall(r"[a-z]+", sp.text.lower()))


# A verb in the past: what happened ("were called back", "voted yes"), not what will ("will vote no")
PAST = re.compile(r"\b(?:[a-z]{3,}ed|got|went|was|were|had|did|won|lost|left|paid|made|took|gave|said|told|chose|"
                  r"came|became|felt|thought)\b")
# (and an answer given, "people saying too little", "who answered yes": what a survey records)
CHOSE = re.compile(r"\b(?:bought|purchased|chose|picked|selected|ordered|went with|went for|went|opted for|switched to|"
                   r"voted(?:\s+for)?|said|saying|answered|answering|replied|reported)\s+"
                   r"(?:the\s+|a\s+|an\s+)?$")


def _yes_no_values(text: str, spans: list[_Span], schema: ChatSchema) -> None:
    """A bare "yes" / "True" after a yes/no (or yes/no-valued) column is that column's value, not
    an outcome: "how many with condo True", "single is yes", "Records = yes"."""
    if schema.kind != "tabular":
        return
    for sp in spans:  # "condo True" tagged as one feature mention: the feature, then its value
        m = re.search(r"\s*(?:is|=|==|:)?\s*\b(yes|no|true|false)$", sp.text, re.I)
        if sp.tag in ("FEAT", "VAL") and m and m.start() > 0 and _yes_no_column(sp.text[:m.start()], schema):
            sp.end, sp.text = sp.start + m.start(), sp.text[:m.start()]
    for i, sp in enumerate(spans):
        word = sp.text.lower().strip()
        if sp.tag not in ("CLS", "PRED", "LABEL", "VAL") or word not in YES_NO_WORDS:
            continue
        prev = next((p for p in reversed(spans[:i]) if p.tag in ("FEAT", "VAL") and not p.used), None)
        if prev is None or not re.fullmatch(r"\s*(?:is|was|were|=|==|:|equals|equal to|set to|of)?\s*",
                                            text[prev.end:sp.start].lower()):
            continue
        column = _yes_no_column(prev.text, schema)
        if column is None:
            continue
        if column in schema.booleans:
            sp.tag, sp.used = "SAID", True  # the boolean's own reading takes the word after it ("is yes")
            if prev.tag == "VAL":
                prev.tag = "FEAT"
        else:
            sp.tag, sp.link = "VAL", (column, next(c for c in schema.categories[column] if c.lower() == word))


def _yes_no_column(mention: str, schema: ChatSchema) -> str | None:
    """The column a mention names, where "yes"/"true" can be one of its values."""
    f = linking.link_feature(mention, schema, use_embeddings=False).best
    if not isinstance(f, str) or f in schema.families:
        return None
    if f in schema.booleans:
        return f
    values = {str(c).lower() for c in schema.categories.get(f, [])}
    return f if values & YES_NO_WORDS else None


def _classes(text: str, spans: list[_Span], out: Assembled, schema: ChatSchema) -> None:
    said_by_model: dict[int, bool] = {}  # id of a class filter -> whether its clause names the model
    for i, sp in enumerate(spans):
        if sp.tag not in ("CLS", "PRED", "LABEL"):
            continue
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if nxt is not None and nxt.tag in ("FEAT", "VAL") and nxt.start - sp.end <= 1 and schema.kind == "tabular" \
                and len(schema.classes) <= 20 and linking.link_feature(nxt.text, schema, use_embeddings=False).best:
            both = linking.link_value(text[sp.start:nxt.end], schema, use_embeddings=False)
            if both.best is not None and both.score >= 1.0 and resolve(sp.text, schema) is None:
                # "2nd class" (passengerClass 2nd): the two words are one of the feature's values
                sp.end, sp.text, sp.tag, sp.link = nxt.end, text[sp.start:nxt.end], "VAL", both.best
                nxt.tag, nxt.used = "SAID", True
                continue
            # "a bad credit history", "a good job": the word describes the feature after it
            sp.tag = "MOD"
            continue
        word = sp.text
        if re.fullmatch(r"[#-]?\d+(?:\.\d+)?(?:e\d+)?", word.strip()) and word.strip("#") not in schema.classes:
            # a number tagged as a class word: a row id where none is named yet, else a value
            if any(s.tag == "ID" and (s.start, s.end) == (sp.start, sp.end) for s in spans):
                sp.used = True  # the same number tagged twice: the ID reading stands
                continue
            n = read_number(word.strip().lstrip("#"))
            sp.tag = "ID" if out.instance is None and not any(s.tag == "ID" for s in spans) else "NUM"
            if sp.tag == "ID" and isinstance(n, (int, float)) and float(n).is_integer():
                out.instance = int(n)
                sp.used = True
            continue
        a_class = word.lower().strip() in {str(c).lower() for c in schema.classes}  # a class's own name
        if word.lower().strip() in STOPWORDS and not a_class:
            sp.used = True
            continue
        if re.search(r"\btoo\s+$", text[:sp.start].lower()) and not a_class:
            sp.tag, sp.used = "SAID", True  # "is my income too low": the income's size, not the class "bad"
            continue
        if schema.kind == "tabular" and not a_class and \
                linking.link_feature(word, schema, use_embeddings=False).score >= 0.95 and \
                re.search(r"\b(?:without|with|no|any|had|has|have|having)\s+(?:an?\s+|any\s+)?$", text[:sp.start].lower()):
            sp.tag = "FEAT"  # "survive without an infection" (a column ``Infection``): the column, not an event class
            continue
        # (and "ended up", "turned out", with or without "actually": "how many renters actually ended up bad")
        if sp.tag == "LABEL" and re.match(r"(?:are|aren'?t|is|isn'?t|do|don'?t|does|doesn'?t)\s", sp.text.lower()) and \
                not re.search(r"\b(?:actual+y|really|truly|in fact|in the data|labell?ed)\b", text.lower()):
            sp.tag = "PRED"  # "how many women arent working": now, as the model has it (the data's, said in the past)
        if sp.tag != "LABEL" and re.search(r"\b(?:(?:actual+y|acutally|realy|really|truly|in fact|labell?ed(?: as)?|"
                                           r"true label (?:is|of))\s+(?:(?:ended|end|turned|turn|wound)\s+(?:up|out)\s+"
                                           r"(?:being\s+|as\s+|to be\s+)?)?|(?:ended|turned|wound)\s+(?:up|out)\s+"
                                           r"(?:being\s+|as\s+|to be\s+)?)$",
                                           text[:sp.start].lower()):
            sp.tag = "LABEL"  # "how many were actually rearrested": the true label, not the prediction
        before = text[max(0, sp.start - 12):sp.start]
        neg = is_negated(before)
        cls = None
        if sp.link in schema.classes:  # a class said by its whole name (``_class_phrases``)
            cls, neg = sp.link, False
        elif neg:  # "not credit worthy" may be a class's own name
            m = re.search(r"(?:not|no|non)[\s-]*$", before.lower())
            if m:
                cls = resolve(before[m.start():] + word, schema)
                if cls is not None and cls.lower().startswith(("not", "no", "non")):
                    word, neg = (before[m.start():] + word).strip(), False
                else:
                    cls = None
        if cls is None and schema.kind == "tabular" and len(word.split()) >= 2 and \
                linking.link_feature(word, schema, use_embeddings=False).score >= 0.9:
            sp.tag = "FEAT"  # "marital status" where the target is ``Status``: the column, not its event
            continue
        if cls is None and schema.kind == "tabular" and _described_feature(word, schema):
            sp.tag = "FEAT"  # "eligible" where ``e401k`` is described "=1 if eligible for 401(k)": that column
            continue
        cls = cls or resolve(word, schema, use_embeddings=is_outcome_word(word, schema))
        if cls is None and schema.kind == "tabular":
            # Not an outcome after all, but a value of the data ("critical", "education"), or a
            # feature ("checks")?
            v = linking.link_value(word, schema, use_embeddings=False)
            if v.best is not None and v.score >= 0.8:
                sp.tag = "VAL"
                continue
            f = linking.link_feature(word, schema, use_embeddings=False)
            if f.best is not None and f.score >= 0.8:
                sp.tag = "FEAT"
                continue
        sp.used = True
        if cls is None and re.match(r"\s+(?:in|at|on|near|with|from)\b", text[sp.end:].lower()):
            continue  # "lived in the midwest", "stayed at home": a verb of place, not an outcome
        if cls is None:
            # Asked about only where it reads as an outcome ("approved" on a model of iris species);
            # a photo's "cat" may simply not be a class name, and other words were tagged wrongly.
            if schema.classes and len(schema.classes) <= 20 and is_outcome_word(word):
                out.unresolved.append(word)
            continue
        if sp.tag == "CLS":
            out.targets.append((cls, word, neg))
        elif schema.is_regression:
            continue  # "avg price for ...": the quantity predicted, not a group of rows
        else:
            if neg:
                others = [c for c in schema.classes if c != cls]
                cls = others[0] if len(others) == 1 else cls
            out.filters.append({"feature": "prediction" if sp.tag == "PRED" else "label", "cmp": "==", "value": cls})
            start = max([m.end() for m in CLAUSE.finditer(text[:sp.start])] or [0])
            said_by_model[id(out.filters[-1])] = bool(MODEL_WORDS.search(text[start:sp.start].lower()))
    _one_class_each_side(out, said_by_model, schema)


def _one_class_each_side(out: Assembled, said_by_model: dict[int, bool], schema: ChatSchema) -> None:
    """Two classes as filters on the model's decisions, one said with the model and one without
    ("how many bad applicants are predicted good", "predicted good but were bad"): the other is what
    the data records, so the question counts the model's mistakes of one kind."""
    said = [f for f in out.filters if f["feature"] == "prediction" and id(f) in said_by_model]
    if len(said) != 2 or said[0]["value"] == said[1]["value"] or not schema.has_labels:
        return
    plain = [f for f in said if not said_by_model[id(f)]]
    if len(plain) == 1:
        plain[0]["feature"] = "label"


# ---- features and values -----------------------------------------------------------------------

def _own(candidates: list[str]) -> str | None:
    """Of two columns, the person's own where the other is a co-person's ("ApplicantIncome" beside
    "CoapplicantIncome"): a described applicant's figures are their own."""
    if len(candidates) != 2:
        return None
    a, b = ("".join(split_words(c)) for c in candidates)  # "applicantincome", "coapplicantincome"
    for mine, other, name in ((a, b, candidates[0]), (b, a, candidates[1])):
        if other == "co" + mine or other.startswith("co") and other[2:] == mine:
            return name
    return None


def _class_then_rows(spans: list[_Span], schema: ChatSchema) -> None:
    """"MM purchases", "CH buyers" tagged as one feature mention: a class named exactly, then the
    rows (the purchases of MM), not a column ("purchases" is no ``WeekofPurchase``)."""
    classes = {str(c).lower(): c for c in schema.classes or ()}
    rows = row_words(schema) | {"purchase", "purchases", "buyer", "buyers", "customer", "customers", "people", "ones",
                                 "case", "cases", "sale", "sales", "order", "orders"}
    for sp in spans:
        m = re.fullmatch(r"(\S+)\s+([a-z]+)", sp.text, re.I) if sp.tag == "FEAT" and sp.link is None else None
        if m and m.group(1).lower() in classes and m.group(2).lower() in rows:
            sp.end, sp.text, sp.tag = sp.start + m.end(1), m.group(1), "CLS"


def row_words(schema: ChatSchema) -> set[str]:
    """What the user's rows are called ("stores", "store", "mixes", "mix"): words for the rows, not a column."""
    words = set(split_words(schema.row_noun))
    return words | {w[:-1] for w in words if w.endswith("s")} | {w[:-2] for w in words if re.search(r"(?:x|ss|sh|ch|z)es$", w)}


# Parents: no row's id ("a mom 20 or younger" is a mother's age), but their plural is a group of the
# rows of a data set of births ("smoking moms"). Never children ("with 2 kids": things had) nor
# women or men (the value of a column of sex).
PERSON_NOUNS = r"(?:mom|mum|mother|dad|father)"


def _rows_word(word: str, schema: ChatSchema) -> bool:
    """A word for the rows: what the user's rows are called, or a plural noun for rows or people."""
    return _row_noun_plural(word) or word in row_words(schema)


def _row_noun_plural(word: str) -> bool:
    """"moms", "passengers": a plural of a noun for the rows or for people (a group of them)."""
    w = word.lower().strip()
    one = linking.singular(w)
    return one != w and (re.fullmatch(ROW_NOUNS, one) is not None or re.fullmatch(PERSON_NOUNS, one) is not None)


def _opposite_sides(spans: list[_Span], schema: ChatSchema) -> None:
    """A word the tagger took for a modifier or an outcome that names no class, but one side of a
    two-valued column through the lexicon's pairs of opposites ("smoking moms" where ``habit`` is
    smoker / nonsmoker): a mention of that column, whose value the question's form then gives."""
    for sp in spans:
        if sp.tag not in ("MOD", "CLS", "PRED") or sp.used or resolve(sp.text, schema) is not None:
            continue
        named = linking.side_columns(sp.text, schema)
        if len(named) == 1:
            sp.tag, sp.link = "FEAT", named[0]


def _link(text: str, spans: list[_Span], out: Assembled, schema: ChatSchema, person: bool = False,
          cohort: bool = False) -> None:
    target_words = set(split_words(schema.target or "")) - {"is", "has", "status", "flag", "class", "label"}
    plain: dict[str, float] = {}

    def plain_score(mention: str) -> float:
        """How well a mention names a column by its string alone (each mention scored once)."""
        if mention not in plain:
            plain[mention] = linking.link_feature(mention, schema, use_embeddings=False).score
        return plain[mention]

    for sp in spans:
        if sp.tag == "FEAT" and sp.link is not None:
            continue  # linked already by the words around it ("17 year olds": the age)
        if sp.tag == "FEAT" and re.fullmatch(r"(?:months?|years?|weeks?|days?)", sp.text.lower()) and \
                re.search(r"\d\s*[km]?\s*(?:a|an|per|each|every|/)\s*$", text[:sp.start].lower()):
            sp.used = True  # "5,800 a month": the rate's unit, not a column about months
            continue
        if sp.tag == "FEAT":
            words = set(split_words(sp.text))
            # "houses" on a house-price model whose rows are "rows": a word for the rows, not a
            # column (plural: "own a house" names a thing, which the data may not have)
            row_nouns = {w for w in words if _row_noun_plural(w)}
            generic = words and words <= NOT_FEATURES | row_words(schema) | row_nouns and \
                linking.link_feature(sp.text, schema).score < 0.95 and \
                not (_one_column_word(words, schema) and not words <= row_nouns and not MODEL_WORDS.search(text.lower()) and
                     not re.search(r"\beach\b|\bdistribution\b", text.lower()))  # "class" is passengerClass
            if words and words <= row_words(schema) and not re.search(
                    r"\b(?:number|no\.?|#|count|num|total)\s+of\s+(?:other\s+)?$|\b(?:more|fewer|less|\d+)\s+(?:other\s+)?$",
                    text[:sp.start].lower()):
                # "how many sites" where the rows are sites and a column is ``NoOfSites``: the rows
                # ("the number of sites", "5 more sites": that column)
                generic = True
            if re.fullmatch(r"(?:(?:an?|per|each|every|the)\s+)?(?:hour|day|week|month|year|annum)", sp.text.lower().strip()) \
                    and re.search(r"\d\S*\s+(?:(?:an?|per|each|every|the)\s+)?$", text[:sp.start].lower() + " ") and \
                    plain_score(sp.text) < 0.95:
                generic = True  # "$10 an hour", "8 a year": the amount's unit, no column
            if not words or generic or read_number(sp.text) is not None:
                sp.used = True
                if read_number(sp.text) is not None:
                    sp.tag = "NUM"
                    sp.used = False
                continue
            before = re.search(r"([a-z]+)\s+$", text[:sp.start].lower())
            if schema.is_regression and (linking.names_quantity(sp.text, schema) or before is not None and
                                         linking.names_quantity(before.group(1) + " " + sp.text, schema)):
                sp.used = True  # "price", "value", "expensive" where the model predicts a home's value; "total price"
                continue
            if target_words and {w.rstrip("s") for w in words} <= {w.rstrip("s") for w in target_words} | {"risk"} \
                    and not _counted(text, sp, schema):
                sp.used = True  # "attrition", "rearrest": the outcome itself, not an input feature
                continue
            nxt = re.match(r"\s+([a-z]+)", text[sp.end:].lower())
            if nxt and _rows_word(nxt.group(1), schema) and plain_score(sp.text) < 0.95:
                v = linking.link_value(sp.text, schema, use_embeddings=False)
                if v.best is not None and v.score >= 0.95:
                    sp.tag = "VAL"  # "black" + "mothers" tagged apart: the value, then a word for the rows
                    continue
            last = sp.text.split()[-1].lower() if len(sp.text.split()) >= 2 else ""
            if last and _rows_word(last, schema):
                # "black mothers": a value, then a word for the rows
                head = sp.text[:sp.text.lower().rindex(last)].rstrip()
                v = linking.link_value(head, schema, use_embeddings=False)
                if v.best is not None and v.score >= 0.95 and plain_score(sp.text) < 0.95:
                    sp.end, sp.text, sp.tag = sp.start + len(head), head, "VAL"
                    continue
            v = linking.link_value(sp.text, schema, use_embeddings=False)
            # ("women" of sex coded 1 = male; of a column ``female`` that no word of "women" names)
            coded = v.best is not None and v.best[0] in schema.booleans and (
                bool(linking.coded_pair(v.best[0], *schema.booleans[v.best[0]], schema)) or plain_score(sp.text) < LINK_WORD)
            if v.best is not None and v.score >= 0.95 and (v.best[0] in schema.categories or v.best[0] in schema.families
                                                           or coded) and (v.best[0] not in schema.booleans or coded):
                sp.tag = "VAL"  # "females" names a value of sex, not a column
                continue
            if v.best is not None and v.score >= 0.85 and linking.abbreviates_any(linking.content_words(sp.text), v.best[1]) \
                    and plain_score(sp.text) < 0.85:
                sp.tag = "VAL"  # "african americans": the value ``afam`` of ethnicity, cut short
                continue
            # (of three or more values: a two-valued column's word keeps its sides, "didnt smoke")
            if v.best is not None and v.score >= 0.8 and len(schema.categories.get(v.best[0]) or ()) >= 3 and not v.ambiguous and \
                    len(sp.text.split()) >= 2 and \
                    not set(linking.content_words(sp.text)) & set(linking.content_words(v.best[0])) and \
                    linking.link_feature(sp.text, schema, use_embeddings=False).best in (None, v.best[0]):
                sp.tag = "VAL"  # "a full prof": ``Prof`` (described "full professor") of ``rank``, which it does not name
                continue
            if v.best is not None and v.score >= 0.85 and v.best[0] in schema.categories and not v.ambiguous and \
                    len(sp.text.split()) == 1 and plain_score(sp.text) < 0.95 and \
                    not set(linking.content_words(sp.text)) & set(linking.content_words(v.best[0])) and \
                    linking.link_feature(sp.text, schema, use_embeddings=False).best in (None, v.best[0]):
                sp.tag = "VAL"  # "hispanic" of ``race`` (black, hispan, white): that value, not the column
                continue
            rest = [w for w in linking.content_words(sp.text) if v.best is not None and w not in linking.content_words(v.best[0])]
            if v.best is not None and v.best[0] in schema.categories and rest and len(rest) < len(linking.content_words(sp.text)) \
                    and linking.link_value(" ".join(rest), schema, use_embeddings=False).best == v.best and \
                    linking.link_value(" ".join(rest), schema, use_embeddings=False).score >= 0.95:
                sp.tag = "VAL"  # "primary education": the value ``P`` of ``education``, then the column's name
                continue
            r = linking.link_feature(sp.text, schema)
            in_name = isinstance(r.best, str) and set(linking.content_words(sp.text)) <= {
                linking.singular(w) for w in split_words(r.best)}  # "health" of inGoodHealth
            # (a near-whole column name is that column: "marital status" where the target is ``Status``)
            if r.score < 0.9 and schema.classes and len(schema.classes) <= 20 and not in_name and \
                    not _described_feature(sp.text, schema):
                c = resolve(sp.text, schema)
                if c is not None and (is_outcome_word(sp.text, schema) or names_event(sp.text)):
                    # "does 14 have diabetes", "is 12 cancer" (classes benign / malignant): the
                    # class, not the pedigree column or a column the data lacks
                    sp.tag = "CLS"
                    sp.used = True
                    if schema.is_regression:
                        continue  # the quantity predicted ("avg price"), not a group of rows
                    if cohort:
                        # "avg income of ppl it approves", "avg glucose of diabetic patients", "avg
                        # body mass of chinstraps": which rows, as for a tagged class word
                        feature = "label" if _happened(text, sp, schema) else "prediction"
                        out.filters.append({"feature": feature, "cmp": "==", "value": c})
                    else:
                        out.targets.append((c, sp.text, False))
                    continue
            opposite = linking.opposite_boolean(sp.text, schema)
            if opposite is not None:  # "renters" for isHomeOwner, "men" for IsFemale
                sp.tag, sp.link = "VAL", opposite
                continue
            sides = linking.side_columns(sp.text, schema) if r.best is None else []
            if len(sides) == 1:  # "smoked" where ``habit`` is smoker / nonsmoker
                sp.link = sides[0]
                continue
            named = linking.concept_feature(sp.text, schema) if r.best is None and r.ambiguous else []
            asked = _asked_amount(text, sp, schema, r.ambiguous) if r.best is None and r.ambiguous else None
            if r.best is not None:
                sp.link = r.best
            elif len(named) == 1 and named[0] in r.ambiguous:  # "borrowed": the one amount column
                sp.link = named[0]
            elif asked is not None:  # "asked for less money": the amount asked for
                sp.link = asked
            elif person and _own(r.ambiguous):  # an applicant described: "earning" is their own income
                sp.link = _own(r.ambiguous)
            elif r.ambiguous and (fit := _fits_one_range(text, sp, spans, schema, r.ambiguous)):
                sp.link = fit  # "a 45mm bill": the length
            elif r.ambiguous and _widen(text, sp, spans, schema, r.ambiguous):
                pass  # "payment to income ratio": the untagged words beside "income ratio" settle it
            elif r.ambiguous and (whole := _said_whole(text, r.ambiguous, schema)):
                sp.link = whole  # "people with kids": ``dkids`` "has kids", not "has young kids"
            elif r.ambiguous and len(r.ambiguous) <= 3:
                out.ambiguous.append({"term": sp.text, "candidates": r.ambiguous})
                sp.used = True
            elif r.ambiguous:  # a word half a dozen columns share ("work"): too vague to be one
                sp.used = True
            elif _widen_short(text, sp, spans, schema):
                pass  # "african" + "americans": the words a short name (``afam``) was cut from
            elif question_word_misspelt(sp.text):
                sp.used = True  # "the most importnt feature": a word of the question, misspelt
            else:
                # An everyday word the lexicon knows but this data has no column for: not a
                # feature mention at all ("who earns more" on data with no income).
                out.unknown.append(sp.text)
                sp.used = True
    for i, sp in enumerate(spans):
        if sp.tag == "VAL" and sp.link is None:
            opposite = linking.opposite_boolean(sp.text, schema)
            if opposite is not None:
                sp.link = opposite
                continue
            near = _adjacent_feature(spans, i)
            r = linking.link_value(sp.text, schema, near=near)
            if r.best is not None:
                sp.link = r.best
            elif _widen_short(text, sp, spans, schema):
                pass  # "african" + "americans": the value or column ``afam``
            else:
                # A value no category has may still be a feature's name ("students" for isStudent
                # is indexed; "hypertension" reaches ``ht`` through its description).
                f = linking.link_feature(sp.text, schema)
                if _row_noun_plural(sp.text) and f.score < 0.95:
                    sp.used = True  # "smoking moms" where a column is ``whitemom``: the rows, not the column
                    continue
                if f.best is not None and f.best in schema.booleans:
                    sp.link = (f.best, schema.booleans[f.best][1])
                elif f.best is not None:
                    sp.tag, sp.link = "FEAT", f.best
                elif r.ambiguous:
                    out.ambiguous.append({"term": sp.text, "candidates": [c[0] for c in r.ambiguous]})
                    sp.used = True
                elif f.ambiguous and len(f.ambiguous) <= 3 and all(
                        all(w in str(c).lower() for w in linking.content_words(sp.text)) for c in f.ambiguous):
                    # "kids" tagged as a value where ``youngkids`` and ``oldkids`` both count them: which?
                    sp.tag = "FEAT"
                    out.ambiguous.append({"term": sp.text, "candidates": list(f.ambiguous)})
                    sp.used = True
                else:
                    out.unknown.append(sp.text)
                    sp.used = True


def _id_as_value(text: str, spans: list[_Span], out: Assembled, schema: ChatSchema) -> None:
    """"applicants with credit history 6": a number read as the row id, right after a numeric
    feature that "with"/"where"/"whose" introduces, is that feature's value."""
    if out.instance is None:
        return
    for i, sp in enumerate(spans):
        if sp.tag != "ID" or not sp.used or i == 0:
            continue
        f = spans[i - 1]
        if f.tag == "FEAT" and isinstance(f.link, str) and f.link in schema.numeric and f.link not in schema.booleans \
                and re.fullmatch(r"\s*(?:of|=|is|at|:)?\s*", text[f.end:sp.start]) \
                and re.search(r"\b(?:with|where|whose|having|has|have)\s+(?:an?\s+|the\s+)?$", text[:f.start].lower()):
            sp.tag, sp.used = "NUM", False
            out.instance = None
            return
        # the feature's words tagged as something else or not at all ("with credit history 6")
        m = re.search(r"\b(?:with|where|whose|having)\s+(?:an?\s+|the\s+)?([a-z][a-z._ ]{1,40}?)\s*(?:of|=|is|at|:)?\s*$",
                      text[:sp.start].lower())
        if m is None:
            continue
        r = linking.link_feature(m.group(1), schema, use_embeddings=False)
        if isinstance(r.best, str) and r.score >= 0.9 and r.best in schema.numeric and r.best not in schema.booleans:
            a, b = m.start(1), m.end(1)
            spans[:] = [o for o in spans if not (o.start < b and a < o.end)]
            feat = _Span(a, b, "FEAT", text[a:b])
            feat.link = r.best
            spans.append(feat)
            spans.sort(key=lambda x: (x.start, x.end))
            sp.tag, sp.used = "NUM", False
            out.features = [f for f in out.features if f != r.best]
            out.instance = None
            return


def _said_whole(text: str, candidates: list[str], schema: ChatSchema) -> str | None:
    """Of columns a word fits alike, the one whose description the question says every word of,
    where each other one has a word it does not say: "kids" is ``dkids`` ("has kids ?"), not
    ``dykids`` ("has young kids (0-5 yrs)"); "children" of "children under 6" and "children 6 to
    18" stays vague (neither is said whole)."""
    said = {linking.singular(w) for w in split_words(text)}
    whole = []
    for c in candidates:
        desc = re.sub(r"\([^)]*\)", " ", str((schema.descriptions or {}).get(c) or ""))
        words = {w for w in linking.content_words(desc) if re.fullmatch(r"[a-z]+", w)} if desc.strip() else set()
        if words and words <= said:
            whole.append(c)
    return whole[0] if len(whole) == 1 else None


def _widen(text: str, sp: _Span, spans: list[_Span], schema: ChatSchema, candidates: list[str]) -> bool:
    """Link an ambiguous mention by the untagged words next to it, where with them it names one of
    the candidates ("income ratio" -> "payment to income ratio" -> payment.to.income). Sets the
    span's link and extent; False where no widening settles it."""
    # words no other mention holds (a class word that named no class, "credit" of "credit history", is free)
    # (nor is a class that is a code the column names carry: "MM" of "special on MM", ``SpecialMM``)
    codes = value_forms.column_codes(tuple(schema.features))
    held = [o for o in spans if o is not sp and not (
        o.tag in ("CLS", "PRED", "LABEL", "MOD") and resolve(o.text, schema) is None or
        o.tag in ("CLS", "PRED", "LABEL", "MOD", "FEAT", "VAL") and o.text.strip() in codes)]
    words = [m for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", text)]

    def free(m: re.Match) -> bool:
        return not any(o.start < m.end() and m.start() < o.end for o in held)

    before: list[re.Match] = []
    for m in reversed([m for m in words if m.end() <= sp.start]):
        if not free(m) or len(before) == 3:
            break
        before.insert(0, m)
    after: list[re.Match] = []
    for m in [m for m in words if m.start() >= sp.end]:
        if not free(m) or len(after) == 2:
            break
        after.append(m)
    # the fewest words that settle it, words before first ("payment to" + "income ratio")
    for k, j in sorted(((k, j) for k in range(len(before) + 1) for j in range(len(after) + 1) if k or j),
                       key=lambda kj: (kj[0] + kj[1], kj[1])):
        a = before[-k].start() if k else sp.start
        b = after[j - 1].end() if j else sp.end
        if not _same_clause(text, a, b) or re.search(r"[,;?!]", text[a:b]) or \
                any(a <= o.start and o.end <= b for o in held):
            continue  # (never over another mention: "was *10* years" is a number and its unit)
        r = linking.link_feature(text[a:b], schema, use_embeddings=False)
        second = r.ranked[1][1] if len(r.ranked) > 1 else 0.0
        # (or, surer, another column the words name whole: "price difference" is PriceDiff, not PriceCH)
        if not r.ambiguous and r.score - second >= 0.1 and (r.best in candidates and r.score >= 0.8 or
                                                            isinstance(r.best, str) and r.score >= 0.85):
            for o in [o for o in spans if o is not sp and a <= o.start and o.end <= b]:
                o.tag, o.used = "SAID", True  # the code word is the column's now
            sp.start, sp.end, sp.text, sp.link = a, b, text[a:b], r.best
            return True
    return False


def _widen_short(text: str, sp: _Span, spans: list[_Span], schema: ChatSchema) -> bool:
    """Link a mention that named nothing by the untagged words right after it, where together they
    are what a short name was cut from ("african" + "americans" -> the yes/no column ``afam``, or
    the value ``afam`` of ``ethnicity``). Sets the span's tag, link and extent."""
    held = [o for o in spans if o is not sp]
    after = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", text[sp.end:]):
        a, b = sp.end + m.start(), sp.end + m.end()
        if any(o.start < b and a < o.end for o in held) or len(after) == 2 or not _same_clause(text, sp.end, a):
            break
        after.append(b)
    for b in after:
        phrase = text[sp.start:b]
        words = linking.content_words(phrase)
        v = linking.link_value(phrase, schema, use_embeddings=False)
        if v.best is not None and v.score >= 0.85 and any(
                linking.abbreviates_any(words, x) for x in (v.best[0], v.best[1])):
            feat, value = v.best
            link = (feat, schema.booleans[feat][1]) if feat in schema.booleans and feat not in schema.families \
                and str(value).lower() not in ("no", "false", "0") else v.best
            sp.end, sp.text, sp.tag, sp.link = b, phrase, "VAL", link
            return True
    return False


def _is_amount(text: str, sp: _Span) -> bool:
    """Written as money or with thousands separators: "$182,000", "150,000" (no row id is).

    >>> _is_amount("why $182,000?", _Span(5, 8, "ID", "182")), _is_amount("why row 17?", _Span(8, 10, "ID", "17"))
    (True, False)
    >>> _is_amount("why row 4,321?", _Span(8, 9, "ID", "4")), _is_amount("why row 4,321?", _Span(10, 13, "ID", "321"))
    (False, False)
    >>> _is_amount("what could bring it under 150000?", _Span(26, 32, "ID", "150000"))
    True
    """
    before = text[:sp.start].rstrip()
    if re.search(ROW_NOUNS + r"\s*#?\s*(?:\d{1,3},)?$", before.lower()):
        return False  # "row 1,234" is a row id however it is written
    if re.search(r"\b(?:under|below|over|above|at least|at most|beyond|exceeds?|more than|less than)\s*$", before.lower()):
        return True  # "under 150000", "more than 200": a bound, never a row
    return before.endswith(("$", "€", "£")) or bool(re.search(r"\d,$", text[:sp.start])) or \
        bool(re.match(r",\d{3}\b", text[sp.end:])) or \
        bool(re.search(r"\d,\d{3}\b", sp.text))


def _adjacent_feature(spans: list[_Span], i: int) -> str | None:
    for j in (i - 1, i - 2, i + 1):
        if 0 <= j < len(spans) and spans[j].tag == "FEAT" and isinstance(spans[j].link, str):
            return spans[j].link
    return None


def _same_clause(text: str, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    # "2 or more reports", "60 and over": the "or"/"and" of a comparison does not end a clause
    between = re.sub(r"\b(?:or|and)\s+(?:more|less|fewer|above|below|over|under|older|younger|up)\b", " ", text[lo:hi])
    return not CLAUSE.search(between)


# Words before an amount that make it a regressor's prediction ("predicted over $60"), or, where
# what it predicts is money and no column of money is named, its price ("sell for over 50 dollars")
COMPARED = r"(?:over|above|under|below|more than|less than|at least|at most|greater than|fewer than|>|<)"
PREDICTED_AMOUNT = re.compile(r"\b(?:(predicted|expected|forecast|estimated|projected)|sells?\s+for|sold\s+for|"
                              r"go(?:es)?\s+for|went\s+for|costs?|priced|worth|valued|earns?|earned|makes?|made|"
                              r"paid|gets?\s+paid)\s+(?:at\s+)?" + COMPARED + r"\s*[$€£]?\s*$")


def predicted_amount(text: str, at: int, schema: ChatSchema, column: str | None = None) -> bool:
    """Whether the amount at ``at`` is one of the regressor's prediction, by the words right before
    it: "predicted over", or "sell for over", "costs under" where the prediction is money and the
    column the amount would otherwise go to (``column``) is no money ("auctions with no wheels
    sell for over 50 dollars"; but "shipping costs over 5" is ``ship_pr``'s, and "stores priced
    over 120" of a model of sales is the Price column's)."""
    if not schema.is_regression:
        return False
    after = re.match(r"[$€£]?\s*\d[\d,.]*\s*(?:k\b)?\s*([a-z]+)", text[at:].lower())
    if after and linking.target_unit(after.group(1), schema):
        return True  # "predicted above 40 MPa" of a strength described "in MPa": the prediction's unit
    if after and linking.names_quantity(after.group(1), schema) and \
            linking.link_feature(after.group(1), schema, use_embeddings=False).score < 0.95:
        return True  # "items over 800 calories" of a model of calories: the prediction's amount, in its unit
    before = text[:at].lower()
    said = re.search(r"([a-z]+)\s+(?:of\s+)?" + COMPARED + r"\s*[$€£]?\s*$", before)
    if said and column is None and linking.names_quantity(said.group(1), schema):
        return True  # "how many with income over 5" of a model of wages: its own word for the prediction
    m = PREDICTED_AMOUNT.search(before)
    if m is None:
        return False
    if m.group(1):
        return True
    description = str(schema.descriptions.get(schema.target or "", "") or "").lower()
    money_target = bool(linking.quantity_words(schema) & (linking.MONEY_WORDS | linking.PAY_WORDS)) or \
        linking.head_noun(description) in linking.MONEY_WORDS or \
        re.search(r"\b(?:price|cost|cents|dollars?|usd|euros?)\b|[$€£]", description) is not None  # ("cig. price, cents/pack")
    return money_target and (column is None or not _money_column(column, schema))


def _money_column(f: str, schema: ChatSchema) -> bool:
    """A column of money, by its name or its description's head noun (``ship_pr``, "Shipping price")."""
    return bool(linking.column_words(f, schema) & (linking.MONEY_WORDS | {"pr", "fee", "fees", "charge", "charges",
                                                                          "tuition", "rent"}))


# A verb before an amount that edits nothing by itself ("was $20,000 higher": the edit is "higher")
PLAIN_VERB = re.compile(r"(?:is|was|are|were|be|'s|had)")


def _pairs(text: str, spans: list[_Span], out: Assembled, schema: ChatSchema, policy: str = "said") -> list[dict]:
    """Feature-value pairs in order: numbers with their feature and comparison, values, booleans."""
    pairs: list[dict] = []
    nums = [sp for sp in spans if sp.tag == "NUM"]
    # a number is compared with a number column (a yes/no column takes 0 or 1 too)
    feats = [sp for sp in spans if sp.tag == "FEAT" and sp.link is not None and sp.link in schema.numeric]
    i = 0
    while i < len(nums):
        n = nums[i]
        value = read_number(n.text)
        if value is None:
            i += 1
            continue
        cmp_sp = _cmp_near(spans, n)
        op = None
        if cmp_sp is not None:  # "younger than": the comparison may start a word before its tag
            op = comparator(cmp_sp.text) or comparator(text[max(0, cmp_sp.start - 10):cmp_sp.end])
        if op is None:  # a comparison word the tagger missed, right after the number or before it
            op = _untagged_comparator(text, n)
        amb = _ambiguous_after(text, n, spans, out) if policy == "group" else None
        if amb is not None:
            # "with 2 kids" where kids may be youngkids or oldkids: the number is that feature's,
            # whichever it is (the question asked back carries it), never a feature named earlier
            amb.update(value=value, cmp=op if op and op != "between" else "==")
            n.used = True
            i += 1
            continue
        # "between 30k and 50k": two numbers, one feature
        second = nums[i + 1] if op == "between" and i + 1 < len(nums) else None
        f = _feature_for(text, n, feats, spans, schema, cmp_sp)
        if predicted_amount(text, n.start, schema, f[1] if f is not None else None):
            f = None  # "sell for over 50 dollars": the prediction's amount, not the column named before
        if f is not None:
            _unit_used(n, spans)
        free = [x for x in feats if not x.used and x.link is not None]
        if f is None and policy == "always" and len(nums) == 1 and len(free) == 1:
            f = free[0], free[0].link  # "the income is wrong, it's 4,000": one feature, one number, two clauses
        if f is None:
            # "3+ dependents", "2nd class": a number that is a category's value
            word = n.text + (text[n.end] if n.end < len(text) and text[n.end] == "+" else "")
            v = linking.link_value(word, schema, use_embeddings=False)
            if v.best is not None and v.score >= 0.95:
                n.tag, n.link, n.text = "VAL", v.best, word
                i += 1
                continue
            open_ = [a for a in out.ambiguous if "value" not in a]
            if policy == "always" and len(open_) == 1 and second is None and not any(
                    sp.tag == "FEAT" and sp.link is not None and not sp.used for sp in spans):
                # "what if the MM discount for 5 was 0.4" where the discount may be DiscMM or
                # PctDiscMM: the one number is that feature's, carried into the question asked back
                open_[0].update(value=value, cmp=op if op and op != "between" else "==")
                n.used = True
                i += 1
                continue
            out.loose_numbers.append({"text": n.text, "value": value, "cmp": op if op and op != "between" else "=="})
            n.used = True
            i += 2 if second else 1
            continue
        f_sp, feat = f
        if f_sp is not None:
            f_sp.used = True
        n.used = True
        value = _units(text, n, feat, value, schema, out)
        if second is not None:
            v2 = _units(text, second, feat, read_number(second.text), schema, out)
            second.used = True
            lo, hi = sorted([value, v2])
            pairs.append({"feature": feat, "cmp": ">=", "value": lo, "kind": "number", "span": n, "act": None})
            pairs.append({"feature": feat, "cmp": "<=", "value": hi, "kind": "number", "span": second, "act": None})
            i += 2
            continue
        act_sp = _near(spans, n, "ACT", 24)
        # (right after the amount, or after its unit: never across "and", "what if age was 40 and income higher")
        after = next((sp for sp in spans if sp.tag == "ACT" and 0 <= sp.start - n.end <= 20 and
                      re.fullmatch(r"\s*(?:[a-z%.]{1,8}\s+){0,2}", text[n.end:sp.start].lower()) and
                      not re.search(r"\b(?:and|or|but)\b", text[n.end:sp.start].lower()) and
                      action(sp.text) in ("increase", "decrease")), None)
        if act_sp is not None and after is not None and (PLAIN_VERB.fullmatch(act_sp.text.lower().strip()) or
                                                         act_sp.end <= n.start and action(act_sp.text) is None):
            # "if their income was $20,000 higher", "a lot 500 square feet larger": more by that
            # much, not set to it (the word after the amount says how it changes)
            act_sp = after
        if act_sp is not None and re.fullmatch(r"(?:is|was|are|were|be|'s)", act_sp.text.lower().strip()) and \
                op in ("<", ">", "<=", ">="):
            act_sp = None  # "if glucose is under 100": a condition with its verb, not an edit
        if act_sp is None or PLAIN_VERB.fullmatch(act_sp.text.lower().strip()):
            # an edit word the tagger missed ("lost 5 points", "5 more"), or a comparative right after
            # the amount that the lexicon lacks ("1mm thinner", "2 inches taller")
            window = text[max(0, n.start - 16):n.end + 12]
            # (after its unit, of one or two words: "2000 sq ft bigger", "500 square feet larger")
            er = re.match(r"\s*(?:(?!(?:and|or|but)\b)[a-z%.]{1,6}\s+){0,2}([a-z]{3,}(?:er|ier))\b", text[n.end:].lower())
            if er and er.group(1) in MORE_COMPARATIVES | LESS_COMPARATIVES and \
                    not any(er.group(1) in split_words(f) for f in schema.features):
                act_sp = _Span(n.start, n.end, "ACT", "less" if er.group(1) in LESS_COMPARATIVES else "more")
            elif act_sp is None and action(window) in ("increase", "decrease"):
                act_sp = _Span(n.start, n.end, "ACT", re.sub(r"\b(?:was|were|is|to|of|at|had|set)\b", "", window))
        relative = act_sp is not None and action(act_sp.text) in ("increase", "decrease") and \
            feat in schema.numeric and isinstance(value, (int, float))
        if feat in schema.booleans and feat not in schema.families and not relative:
            # (not "2 more cards" of a 0 / 1 count column: an amount to add, not its "yes")
            value = schema.booleans[feat][1] if value not in (0, 1) else schema.booleans[feat][int(value)]
        pairs.append({"feature": feat, "cmp": op if op and op != "between" else "==", "value": value,
                      "kind": "number", "span": n, "act": act_sp.text if act_sp is not None else None,
                      "percent": n.text.strip().endswith("%") or bool(re.match(r"\s*(?:%|percent|per cent)\b",
                                                                               text[n.end:].lower()))})
        i += 1
    for idx, sp in enumerate(spans):
        if sp.tag == "VAL" and sp.link is not None and not sp.used:
            feat, value = sp.link
            neg = _negated_span(text, spans, idx)
            sp.used = True
            if feat in schema.booleans and feat not in schema.families:
                no, yes = schema.booleans[feat]
                if str(value).lower() in ("no", "n", "false") or (value == no and value != yes):
                    neg = not neg  # "renters" links to isHomeOwner's own "no" (0), "not single" to "no"
                said = re.match(r"\s*(?:is|was|were|=|==|:)?\s*(yes|no|true|false)\b", text[sp.end:].lower())
                if said:  # "single is no"
                    neg = said.group(1) in ("no", "false")
                pairs.append({"feature": feat, "cmp": "==", "value": no if neg else yes, "kind": "value", "span": sp,
                              "act": None})
            elif neg and len(schema.categories.get(feat) or ()) == 2 and value in schema.categories[feat]:
                # "didnt smoke" of ``habit`` (nonsmoker / smoker): the other of the two values
                other = next(c for c in schema.categories[feat] if c != value)
                pairs.append({"feature": feat, "cmp": "==", "value": other, "kind": "value", "span": sp, "act": None})
            else:
                pairs.append({"feature": feat, "cmp": "!=" if neg else "==", "value": value, "kind": "value",
                              "span": sp, "act": None, "negated": neg})
        elif sp.tag == "FEAT" and sp.link is not None and not sp.used and sp.link in schema.booleans \
                and sp.link not in schema.families:
            # "with a telephone", "without kids", "had no records"
            no, yes = schema.booleans[sp.link]
            neg = _negated_span(text, spans, idx)
            if idx > 0 and spans[idx - 1].tag == "MOD":  # "a bad credit history", "a good record"
                from .outcomes import _word_reading

                good = _word_reading(spans[idx - 1].text).desirable
                if good is not None:
                    neg = not good
                    sp.used = True
                    pairs.append({"feature": sp.link, "cmp": "==", "value": no if neg else yes, "kind": "value",
                                  "span": sp, "act": None})
                    continue
            said = re.match(r"\s*(?:is|was|were|=|==|:)?\s*(yes|no|true|false)\b", text[sp.end:].lower())
            prev = re.search(r"\b([a-z]+)\s+$", text[max(0, sp.start - 16):sp.start].lower())
            own = [POLAR[w] for w in split_words(sp.link) if w in POLAR]
            if said:
                neg = said.group(1) in ("no", "false")
            elif prev and prev.group(1) in POLAR and len(own) == 1:
                neg = POLAR[prev.group(1)] != own[0]  # "in bad health" for inGoodHealth: no
            elif not neg and policy == "said" and not re.search(
                    r"\b(?:with|has|have|had|having|got|any|prior|existing|some)(?:\s+(?:a|an|any|some))?\s+$",
                    text[max(0, sp.start - 16):sp.start].lower()):
                continue  # named, not given a value ("does hypertension matter")
            sp.used = True
            pairs.append({"feature": sp.link, "cmp": "==", "value": no if neg else yes, "kind": "value", "span": sp,
                          "act": None})
        elif sp.tag == "FEAT" and sp.link is not None and not sp.used and _negated_span(text, spans, idx) \
                and sp.link in schema.numeric:
            # "no debt", "without savings": zero
            sp.used = True
            pairs.append({"feature": sp.link, "cmp": "==", "value": 0, "kind": "number", "span": sp, "act": "set"})
    pairs.sort(key=lambda p: p["span"].start)
    return pairs


# Judgements a yes/no column's name may carry ("inGoodHealth", "hasPoorCredit"), and their sign.
POLAR = {"good": True, "great": True, "excellent": True, "fine": True, "healthy": True, "bad": False, "poor": False,
         "terrible": False, "ill": False, "unhealthy": False}


def _untagged_comparator(text: str, n: _Span) -> str | None:
    """"5+", "60 or more", "over 60": the comparison words next to a number, read by the lexicon."""
    rest = text[n.end:]
    unit = AGE_AFTER.match(rest)
    rest = rest[unit.end():] if unit else rest  # "20 yrs old or younger"
    after = re.match(r"\s*(\+|or (?:more|less|above|below|over|under|fewer|older|younger)|and (?:over|up|above|under|below))",
                     rest.lower())
    if after:
        return comparator(after.group(1))
    # (only the words since the last number: "over 50 with 2 kids" compares the 50, not the 2)
    words = re.findall(r"[a-z<>=]+", re.split(r"\d", text[max(0, n.start - 24):n.start])[-1].lower())
    for k in (2, 1):
        if len(words) >= k:
            if k == 2 and words[-2] in ("and", "or"):
                continue  # "and under 40?" is under 40; "40 and under" (after the number) is 40 or less
            op = comparator(" ".join(words[-k:]))
            if op not in (None, "==", "!=", "between"):
                return op
    return None


def _negated_span(text: str, spans: list[_Span], idx: int) -> bool:
    """Whether a negation comes right before the mention: a NEG span in its clause, with no other
    mention of a column, value or number between ("no previous pancreatitis", where "previous"
    was read as a class word), or a negating word."""
    sp = spans[idx]
    for j in range(idx - 1, -1, -1):
        o = spans[j]
        if o.tag == "NEG":
            if _same_clause(text, o.end, sp.start) and sp.start - o.end <= 16:
                return True
            break
        if o.tag not in ("CLS", "MOD") or sp.start - o.end > 16:
            break
    return is_negated(text[max(0, sp.start - 14):sp.start])


def _near(spans: list[_Span], n: _Span, tag: str, reach: int) -> _Span | None:
    best = None
    for sp in spans:
        if sp.tag == tag:
            d = n.start - sp.end if sp.end <= n.start else sp.start - n.end
            if 0 <= d <= reach and (best is None or d < best[0]):
                best = (d, sp)
    return best[1] if best else None


def _asked_amount(text: str, sp: _Span, schema: ChatSchema, candidates: list) -> str | None:
    """The one candidate a verb before a vague word settles: "asked for less money" is the amount
    asked for, "earned more money" the income."""
    before = text[:sp.start].lower()
    before = re.sub(r"(?:less|more|fewer|extra|a lot|lots|a bit|some)\s+(?:of\s+)?$", "", before)
    for words, pattern in (("borrowed", ASK_BEFORE), ("income", EARN_BEFORE)):
        if pattern.search(before):
            cands = [f for f in linking.concept_feature(words, schema) if f in candidates]
            if len(cands) == 1:
                return cands[0]
    return None


def _ambiguous_after(text: str, n: _Span, spans: list[_Span], out: Assembled) -> dict | None:
    """The ambiguous feature mention right after a number ("2 kids"), as ``out.ambiguous`` holds it;
    none where a linked feature's name comes right before the number ("grade 3 tumours": the grade's)."""
    if any(sp.tag == "FEAT" and isinstance(sp.link, str) and re.fullmatch(r"\s?", text[sp.end:n.start])
           for sp in spans):
        return None
    for sp in spans:
        if sp.tag == "FEAT" and sp.link is None and re.fullmatch(r"\s{1,2}", text[n.end:sp.start]):
            return next((a for a in out.ambiguous if a["term"] == sp.text and "value" not in a), None)
    return None


# Column words that record sex: where a column holds one, a group by sex (``lexicon.SEXED``) is a
# filter; else it is said plainly to be left out (a count of "women over 50" on data with no sex
# column counts everyone over 50).
SEX_WORDS = {"sex", "gender", "female", "male", "woman", "women", "man", "men"}


def _groups_not_in_data(text: str, schema: ChatSchema) -> list[str]:
    """The group words of ``text`` (by sex, race or ethnicity) that no column or value of ``schema``
    can express."""
    found = [m.group(1) for m in SEXED.finditer(text.lower())]
    if found and any(set(split_words(f)) & SEX_WORDS for f in schema.features):
        found = []
    # every row is one of the "women" where that is what the rows are
    rows_are = {linking.singular(w) for w in split_words(getattr(schema, "row_noun", "") or "")}
    found = [w for w in found if linking.singular(w) not in rows_are]
    found += [m.group(1) for m in RACED.finditer(text.lower())
              if linking.link_feature(m.group(1), schema, use_embeddings=False).best is None]
    return [w for w in dict.fromkeys(found) if linking.link_value(w, schema, use_embeddings=False).best is None
            and linking.opposite_boolean(w, schema) is None]


# People of an age, said by a word: the bound on the data's age column it means.
# (pattern, comparison, bound, and the lower bound of a span of ages: teenagers are 13 to 19)
AGE_GROUPS = ((re.compile(r"\b(?:kids|children|child|minors|under-?age)\b"), "<", 18, None),
              (re.compile(r"\b(?:teens?|teenagers?|teenaged?)\b"), "<", 20, 13),
              (re.compile(r"\b(?:adults|grown-?ups)\b"), ">=", 18, None),
              (re.compile(r"\b(?:seniors|elderly|pensioners|retirees|old people|older people)\b"), ">=", 65, None))


def _age_groups(text: str, spans: list[_Span], out: Assembled, schema: ChatSchema) -> list[dict]:
    """"how many kids survived": a bound on the data's one age column, where no column is about
    children and the question bounds no age itself (no filter was added before, "kids" was dropped
    without a word)."""
    age = age_column(schema, text)
    if age is None or any(f["feature"] == age for f in out.filters):
        return []
    low = text.lower()
    found = []
    for pattern, cmp, bound, floor in AGE_GROUPS:
        m = pattern.search(low)
        if m is None or linking.link_feature(m.group(), schema, use_embeddings=False).best not in (None, age):
            continue  # "children" where the data counts them: that column, for the linker
        if re.search(r"\b(?:with|without|have|has|had|having|no|any|their|her|his|whose|and|or)\s+(?:\w+\s+)?$",
                     low[:m.start()]) or re.match(r"\s+(?:support|care|benefits?|tax|custody|allowance|seats?)\b",
                                                  low[m.end():]):
            # "applicants with kids", "no children": having them, not being one; "women and
            # children": a union no one filter can say; "child support": another thing
            continue
        lo, hi = schema.numeric[age]
        if cmp == "<" and lo >= bound or cmp == ">=" and hi < bound:
            continue  # "children" where everyone in the data is an adult: not about age here
        if any(sp.start < m.end() and m.start() < sp.end and sp.tag in ("FEAT", "VAL") and sp.link is not None
               and sp.link != age for sp in spans):
            continue
        found.append({"feature": age, "cmp": cmp, "value": bound})
        if floor is not None and lo < floor:  # (where the data has younger people)
            found.append({"feature": age, "cmp": ">=", "value": floor})
        if age in out.features:  # "seniors" read as the age column itself: it was the group
            out.features.remove(age)
        break
    return found


def _one_column_word(words: set[str], schema: ChatSchema) -> bool:
    """Whether one word the tagger marked ("class") is a word of exactly one column's name
    (``passengerClass``), and not of the target's: that column, though the word often names the
    model's class."""
    if len(words) != 1 or schema.kind != "tabular":
        return False
    (word,) = words
    return word not in split_words(schema.target or "") and \
        sum(word in split_words(f) for f in schema.features) == 1


# Whose age a word for people asks about, where the data has an age for each ("Mother's age",
# "Father's age"): the words of that column's description or name.
WHOSE_AGE = ((re.compile(r"\b(?:moms?|mothers?|mums?|maternal|wi(?:fe|ves))\b"), re.compile(r"\b(?:mother|mom|mum|maternal|wife)")),
             (re.compile(r"\b(?:dads?|fathers?|paternal|husbands?)\b"), re.compile(r"\b(?:father|dad|paternal|husband)")))


def age_column(schema: ChatSchema, text: str = "") -> str | None:
    """The data's one numeric age column, or None (none, or more than one). Of several, the one
    whose person ``text`` names ("mothers under 20" for "Mother's age" beside "Father's age")."""
    ages = [f for f in linking.concept_feature("older", schema) if f in schema.numeric]
    if len(ages) > 1 and text:
        # the person said last (nearest the number, where ``text`` ends at it: "dads over 40")
        said = max(((m.end(), whose) for pattern, whose in WHOSE_AGE for m in pattern.finditer(text.lower())),
                   default=None, key=lambda hit: hit[0])
        if said is not None:
            own = [f for f in ages if said[1].search(f"{' '.join(split_words(f))} {schema.descriptions.get(f, '')}".lower())]
            ages = own if len(own) == 1 else ages
    return ages[0] if len(ages) == 1 else None


def _age_for(n: _Span, schema: ChatSchema, text: str = "") -> str | None:
    """The data's one age column (see ``age_column``), where the number is a plausible age (0 to
    120); None otherwise."""
    value = read_number(n.text)
    return age_column(schema, text) if isinstance(value, (int, float)) and 0 < value <= 120 else None


def _cmp_near(spans: list[_Span], n: _Span) -> _Span | None:
    """The comparison for a number: just before it ("over 60"), or just after ("60 or more")."""
    before = [sp for sp in spans if sp.tag == "CMP" and sp.end <= n.start and n.start - sp.end <= 22
              and not any(o.tag == "NUM" and sp.end <= o.start < n.start for o in spans)]
    # (a comparison with a number of its own between, "over 50 with 2 kids", is that number's)
    if before:
        return before[-1]
    after = [sp for sp in spans if sp.tag == "CMP" and sp.start >= n.end and sp.start - n.end <= 3]
    return after[0] if after else None


# A number with a unit of measure ("66mhz", "340 mb", "220mm"): never a row id, and one number
MEASURED = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(" + "|".join(sorted(MEASURES, key=len, reverse=True)) + r")\b", re.I)


def _one_number(text: str, spans: list[_Span]) -> list[_Span]:
    """Two number spans over one amount ("$20" and "20,000" of "$20,000"): one span, the whole."""
    out: list[_Span] = []
    for sp in spans:
        prev = out[-1] if out else None
        if prev is not None and prev.tag == sp.tag == "NUM" and sp.start < prev.end:
            start, end = min(prev.start, sp.start), max(prev.end, sp.end)
            out[-1] = _Span(start, end, "NUM", text[start:end])
            continue
        out.append(sp)
    return out


def _measured_numbers(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """One number span for each number written with a unit ("a 66mhz 8mb ram 340mb hd"), in
    place of the tagger's pieces: an id "340mb", a mention "66mhz 8mb" across two numbers. Where a
    column is measured in metres, "1600m" and "200 m" are metres (never millions): the number, and
    the unit read."""
    for m in MEASURED.finditer(text):
        a, b = m.span()
        for sp in [sp for sp in spans if sp.start < b and a < sp.end and sp.end > b]:
            # a mention the tagger ran past the measure ("340mb hd"): what follows it, read alone
            rest = re.match(r"\s*([A-Za-z][\w.]*(?:\s+[A-Za-z][\w.]*)*)", text[b:sp.end])
            tag = gazetteer.kind(rest.group(1), schema) if rest else None
            if tag:
                spans.append(_Span(b + rest.start(1), b + rest.end(1), tag, rest.group(1)))
        spans = [sp for sp in spans if not (sp.start < b and a < sp.end)]
        spans.append(_Span(a, b, "NUM", text[a:b]))
    if metre_columns(schema):
        for m in METRES.finditer(text):
            a, b = m.span()
            spans = [sp for sp in spans if not (sp.start < b and a < sp.end)]
            spans.append(_Span(a, m.end(1), "NUM", m.group(1)))
            spans.append(_Span(m.start(2), b, "UNIT", m.group(2), used=True))
    return sorted(spans, key=lambda x: (x.start, x.end))


METRES = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(m|metres?|meters?|mtrs?)\b(?!\s*(?:illion|ln)\b)", re.I)


def metre_columns(schema: ChatSchema) -> list[str]:
    """The numeric columns measured in metres, by their description ("altitude of the site in metres")."""
    return [f for f in schema.numeric if f not in schema.booleans and
            re.search(r"\b(?:in\s+)?(?:metres|meters|metre|meter)\b", str(schema.descriptions.get(f, "") or "").lower())]


def _unit_feature(n: _Span, schema: ChatSchema) -> str | None:
    """The one numeric column whose name or description gives the unit a number is written in
    ("66mhz": ``speed``, "clock speed in MHz"); None where none or several do ("mb": hard drive
    and ram)."""
    m = MEASURED.fullmatch(n.text.strip())
    if m is None:
        return None
    unit = m.group(2).lower()
    found = [f for f in schema.numeric if f not in schema.booleans and unit in
             split_words(f) + re.findall(r"[a-z]+", str(schema.descriptions.get(f, "") or "").lower())]
    return found[0] if len(found) == 1 else None


def _unit_used(n: _Span, spans: list[_Span]) -> None:
    """Marks a unit said right after a number ("10 *yrs*") as read: it names no column of its own."""
    for f in spans:
        if f.tag == "FEAT" and re.fullmatch(r"(?:years?|yrs?|months?|days?)", f.text.lower()) and abs(f.start - n.end) <= 3:
            f.used, f.tag = True, "UNIT"


def _feature_for(text: str, n: _Span, feats: list[_Span], spans: list[_Span], schema: ChatSchema,
                 cmp_sp: _Span | None) -> tuple[_Span | None, str] | None:
    """The feature a number belongs to: the nearest feature mention in its clause (before it, else
    just after it: "3 children"), else one an everyday word next to it points at ("older than")."""
    if AGE_AFTER.match(text[n.end:]) and (age := _age_for(n, schema, text[:n.end])) is not None:
        return None, age  # "a 30 year old earning 300k": the age, whatever follows
    unit = _unit_feature(n, schema)
    if unit is not None:
        return None, unit  # "66mhz": the one column in MHz
    metres = metre_columns(schema) if METRES.match(text[n.start:]) else []
    if len(metres) == 1:
        return None, metres[0]  # "1600m": the one column in metres
    if MEASURED.fullmatch(n.text.strip()):
        # "8mb ram 340mb hd": a measure is of the mention right after it
        right_after = [f for f in feats if not f.used and 0 <= f.start - n.end <= 2]
        if right_after:
            return right_after[0], right_after[0].link
    # "a 2k raise", "a 500 pay cut": the income; "asked for 5k less", "wants 10k": the amount asked for
    tenure = TENURE_AFTER.match(text[n.end:].lower()) or (
        re.match(r"\s*(?:years?|yrs?|months?)\b", text[n.end:].lower()) and TENURE_BEFORE.search(text[:n.start].lower()))
    for words, pattern in (("income", PAY_AFTER.match(text[n.end:].lower())),
                           ("borrowed", ASK_BEFORE.search(text[:n.start].lower())),
                           ("income", EARN_BEFORE.search(text[:n.start].lower())),
                           (tenure.group(1) if tenure else "", tenure)):
        cands = [f for f in linking.concept_feature(words, schema) if f in schema.numeric and f not in schema.booleans]
        if pattern is tenure and tenure and not cands:
            # the job's own column is no number (``joblost``: why it was lost): a numeric column
            # that mentions the job, and of those, the one that is a length of time (``tenure``)
            cands = [f for f in linking.concept_feature(words, schema, among=schema.numeric) if f not in schema.booleans]
            cands = [f for f in cands if DURATION.search(" ".join(split_words(f)))] or cands
        if pattern and len(cands) > 1:  # "MonthlyIncome" and "PercentSalaryHike": the one named so
            cands = [f for f in cands if words in split_words(f)] or cands
        if pattern and len(cands) == 1:
            return None, cands[0]
    # "had no kids under 5" where no column is kids: the bound is that mention's, never an age by
    # default (a word for people is the rows' own age only where they are not something possessed)
    lead_word = cmp_sp.start if cmp_sp is not None else n.start
    if any(sp.tag == "FEAT" and sp.link is None and 0 <= lead_word - sp.end <= 2 and (
            not re.fullmatch(PEOPLE, sp.text.lower().strip()) or
            re.search(r"\b(?:had|has|have|having|with|without|no|any|\d+)\s+$", text[:sp.start].lower()))
           for sp in spans):
        return None
    # "ppl over 40", "mothers under 20": a bound right after a word for people is their age, where the
    # data has one age and the number is a plausible one (whatever feature was named before).
    if cmp_sp is not None and re.search(PEOPLE + r"\s+(?:who are\s+|aged\s+|that are\s+)?$",
                                        text[:cmp_sp.start].lower()) \
            and re.fullmatch(r"(?:over|above|under|below|older than|younger than)", cmp_sp.text.lower().strip()):
        age = _age_for(n, schema, text[:n.end])
        if age is not None:
            return None, age
    if cmp_sp is None and re.search(PEOPLE + r"\s+(?:who are\s+|aged\s+|that are\s+)?(?:over|above|under|below|"
                                    r"older than|younger than)\s+$", text[:n.start].lower()):
        age = _age_for(n, schema, text[:n.end])
        if age is not None:
            return None, age  # "and for ppl under 30?" with the comparison untagged
    if cmp_sp is None and re.search(r"\b(?:(?:she|he|they|i|you)\s*(?:is|was|are|were|am|'s|’s|'m)|shes|hes|im)\s+"
                                    r"(?:now\s+|actually\s+|really\s+|only\s+|just\s+)?$", text[:n.start].lower()) \
            and not re.match(r"\s*(?:%|percent|k\b|\$)", text[n.end:].lower()):
        # "no, she is 60", "what if he was 45": a person said to be a bare number is that old
        age = _age_for(n, schema, text[:n.end])
        if age is not None:
            return None, age
    # "older than 60", "10 years younger": an everyday word of the comparison or edit names the
    # feature, before any word such as "years" that only gives the unit.
    near = [sp for sp in spans if sp.tag in ("CMP", "ACT") and (0 <= sp.start - n.end <= 12 or 0 <= n.start - sp.end <= 6)
            and not (sp.start > n.end and any(o.tag == "NUM" and o is not n and 0 <= o.start - sp.end <= 6 for o in spans))]
    # (a comparison after the number with a number of its own, "70 with debt under 500", is that one's)
    lead = text[max(0, (near[0].start if near else n.start) - 16):(near[0].start if near else n.start)]
    named = [f for f in linking.concept_feature(" ".join(sp.text for sp in near) + " " + lead.split(" ")[-2]
                                                if len(lead.split(" ")) >= 2 else " ".join(sp.text for sp in near), schema)
             if f in schema.numeric]
    if len(named) == 1:
        return None, named[0]
    free = [f for f in feats if not f.used]
    before = [f for f in free if f.end <= n.start and _same_clause(text, f.end, n.start)
              and not any(o.tag == "NUM" and f.end <= o.start < n.start for o in spans)]
    # a feature after the number that has a number of its own ("over 60 with a limit under 3000") is not this one's
    # (nor one with another number between: "over 40 with more than 1 young kids")
    after_all = [f for f in free if f.start >= n.end and f.start - n.end <= 24 and _same_clause(text, n.end, f.start)
                 and not any(o.tag == "NUM" and n.end <= o.start < f.start for o in spans)]
    after = [f for f in after_all if not any(o.tag == "NUM" and o is not n and 0 <= o.start - f.end <= 12
                                             and _same_clause(text, f.end, o.start) for o in spans)]
    after_own = len(after) < len(after_all)  # the words after the number name another number's feature
    if before and after and after[0].start - n.end < n.start - before[-1].end and (
            cmp_sp is None or cmp_sp.start > before[-1].end):
        return after[0], after[0].link
    if before:
        return before[-1], before[-1].link
    if after:
        return after[0], after[0].link
    # "older than 60", "10 years younger", "weighing 110 lbs": the comparison or edit names the feature
    near = [sp for sp in spans if (sp.tag in ("CMP", "ACT") and abs(sp.start - n.end) <= 20 or
                                   sp.tag in ("CMP", "ACT") and 0 <= n.start - sp.end <= 6)
            and not (sp.start > n.end and any(o.tag == "NUM" and o is not n and 0 <= o.start - sp.end <= 6 for o in spans))]
    words = " ".join(sp.text for sp in near) + " " + (text[n.end:n.end + 12] if not after_own else "")
    cands = [f for f in linking.concept_feature(words, schema) if f in schema.numeric]
    if len(cands) == 1:
        return None, cands[0]
    # "mothers over 35", "people under 25": a bare bound on a group of people is their age, where the
    # data has one age and the number is one of its values.
    bound = cmp_sp.text.lower().strip() if cmp_sp is not None else (re.search(
        r"\b(over|above|under|below|older than|younger than)\s+$", text[:n.start].lower()) or [None, ""])[1]
    if re.fullmatch(r"(?:over|above|under|below|older than|younger than|aged over|aged under)", bound or ""):
        age = _age_for(n, schema, text[:n.end])
        if age is not None:
            return None, age
    return None


def _units(text: str, n: _Span, feat: str, value: Any, schema: ChatSchema, out: Assembled) -> Any:
    """A number given in other units than the column's: years for a months column, a full amount
    for a column in thousands. The reading is noted so that the answer says it."""
    if not isinstance(value, (int, float)) or feat not in schema.numeric:
        return value
    lo, hi = schema.numeric[feat]
    after = text[n.end:n.end + 10].lower()
    words = set(split_words(feat)) | set(re.findall(r"[a-z]+", schema.descriptions.get(feat, "").lower()))
    if re.match(r"\s*(?:years?|yrs?)\b", after) and "month" in " ".join(words) and value * 12 <= hi:
        out.notes.append(f"{n.text} years as {int(value * 12)} months for {feat}")
        return int(value * 12) if float(value * 12).is_integer() else value * 12
    if re.match(r"\s*months?\b", after) and "year" in " ".join(words) and not float(value) <= hi:
        return value / 12
    div = description_divisor(schema.descriptions.get(feat, ""))
    if div and (re.match(r"\s*(?:years?|yrs?)\b", after) or value > hi * 1.5) and value / div <= hi * 1.5:
        # "women over 50", "10 years younger" where age is "Age in decades (years divided by 10)",
        # "over 60" where it is "Age in years divided by 100"
        new = value / div
        new = int(new) if float(new).is_integer() else round(new, 6)
        unit = "decades" if div == 10 else f"years divided by {div}"
        out.notes.append(f"{n.text} years as {new} for {feat} (it counts {unit})")
        return new
    if value > hi * 5 and lo <= value / 1000 <= hi and description_scale(schema.descriptions.get(feat, "")) in (None, 1000) and \
            ("thousand" in " ".join(words) or
                                                         re.search(r"\d\s*k\b|thousand", n.text.lower())):
        new = value / 1000
        new = int(new) if float(new).is_integer() else new
        out.notes.append(f"{n.text} as {new} for {feat} (it counts thousands)")
        return new
    if re.search(r"\d\s*kg\b", n.text.lower() + text[n.end:n.end + 4].lower()) and \
            split_words(feat)[-1:] in (["g"], ["grams"]) and lo <= value * 1000 <= hi:
        out.notes.append(f"{n.text} as {value * 1000:g} for {feat} (it counts grams)")
        return int(value * 1000) if float(value * 1000).is_integer() else value * 1000  # "5kg" of body_mass_g
    scale = description_scale(schema.descriptions.get(feat, ""))
    if scale and value > hi * 5 and value >= scale and value / scale >= lo:
        # (beyond the data's range too: "earning 300k" is 30, which the answer then says is outside it)
        # "earning 30k" where income is described "yearly income (in USD 10,000)": 3
        new = value / scale
        new = int(new) if float(new).is_integer() else round(new, 6)
        out.notes.append(f"{n.text} as {new} for {feat} (it counts {scale:,}s)")
        return new
    return value


SCALE_WORDS = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def description_scale(description: str) -> int | None:
    """The unit a description says a column counts in ("in USD 10,000" -> 10000, "$1000s" -> 1000,
    "in thousands of dollars" -> 1000), or None. Never a rate ("per 1000 births"), a range
    ("1000-2020") or part of a longer number ("$10,000,000").

    >>> description_scale("yearly income (in USD 10,000)"), description_scale("income, $1000s")
    (10000, 1000)
    >>> description_scale("in thousands of dollars"), description_scale("number of children") is None
    (1000, True)
    >>> description_scale("Annual income in tens of thousands of dollars.")
    10000
    >>> [description_scale(d) for d in ("price in $10,000,000", "per 1000 live births", "year built (1000-2020)")]
    [None, None, None]
    """
    low = str(description or "").lower()
    m = re.search(r"(?:\bin\s+|\(|,\s*|^)(?:usd|us\$|\$|€|£|eur|dollars?)?\s*(10,000|10000|1,000|1000|100,000|100000)s?"
                  r"(?![\d,.])(?!\s*[-–])", low)
    if m and not re.search(r"\bper\s*$", low[:m.start(1)].rstrip("$€£ ").rstrip()):
        return int(m.group(1).replace(",", ""))
    m = re.search(r"\bin\s+(?:(tens|hundreds)\s+of\s+)?(hundred|thousand|million)s?\b", low)
    if m is None:
        return None
    return SCALE_WORDS[m.group(2)] * {"tens": 10, "hundreds": 100, None: 1}[m.group(1)]


def description_divisor(description: str) -> int | None:
    """How many of a unit one step of a column is, where the description says it divides ("Age in
    years divided by 100" -> 100, "age in decades" -> 10), or None.

    >>> description_divisor("Age in years divided by 100."), description_divisor("Age in decades (years divided by 10)")
    (100, 10)
    >>> description_divisor("age in years") is None
    True
    """
    low = str(description or "").lower()
    m = re.search(r"\bdivided by (\d+)\b", low)
    if m and int(m.group(1)) > 1:
        return int(m.group(1))
    return 10 if re.search(r"\bdecades?\b", low) else None


def _direction_near(text: str, sp: _Span, spans: list[_Span]) -> tuple[str, float | None] | None:
    """"if I earned more", "double the income": a direction (and factor) with no amount."""
    window = text[max(0, sp.start - 25):sp.end + 25].lower()
    acts = [a for a in spans if a.tag == "ACT" and abs(a.start - sp.start) <= 30]
    said = action(" ".join(a.text for a in acts)) if acts else action(window)
    if said == "double":
        return "increase", 2.0
    if said == "halve":
        return "decrease", 0.5
    if said in ("increase", "decrease"):
        return said, None
    return None


def _change(p: dict, schema: ChatSchema) -> dict:
    feat, value = p["feature"], p["value"]
    act = action(p["act"]) if p.get("act") else None
    if p["kind"] == "value" or act in (None, "set") or feat not in schema.numeric:
        return {"feature": feat, "action": "set", "value": value}
    if act == "double":
        return {"feature": feat, "action": "increase", "value": None, "factor": 2}
    if act == "halve":
        return {"feature": feat, "action": "decrease", "value": None, "factor": 0.5}
    said = " ".join(split_words(feat)) + " " + str((schema.descriptions or {}).get(feat) or "").lower()
    if p.get("percent") and act in ("increase", "decrease") and isinstance(value, (int, float)) and \
            not re.search(r"%|\bpercent|\bpct\b|\bshare\b|\bproportion\b", said):
        # "cut the water by 10%": a tenth less of what the row has, not 10 units (a column that is
        # itself a percentage moves by points)
        factor = 1 + value / 100 if act == "increase" else 1 - value / 100
        return {"feature": feat, "action": act, "value": None, "factor": factor}
    return {"feature": feat, "action": act, "value": value}


def _correct_filter(text: str) -> list[dict]:
    """"the ones it got wrong", "misclassified cases": whether the model was right."""
    t = text.lower()
    if re.search(r"\b(?:got|gets|get|was|were|is|are|predicted|classified)\s+(?:it\s+)?(?:wrong|wrongly|incorrect|"
                 r"incorrectly)\b|\bmis(?:classified|predicted|labell?ed)\b|\b(?:wrongly|incorrectly) (?:classified|predicted)\b", t) and not re.search(r"\bhow (?:often|many times)\b", t):
        return [{"feature": "correct", "cmp": "==", "value": False}]
    if re.search(r"\b(?:got|gets|get)\s+(?:it\s+)?right\b|\bcorrectly (?:classified|predicted)\b", t) \
            and not re.search(r"\bhow (?:often|many times)\b", t):
        return [{"feature": "correct", "cmp": "==", "value": True}]
    return []


# A question opened by a modal or auxiliary (typos too) right before a number ...
QUESTION_ROW = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:would|wuld|woud|wud|wld|will|wil|does|dose|did|can|"
                          r"could|should|might|is|was)\s+$")
# ... unless the words after it make the number an amount ("would 2 kids change it", "is 50 too old")
NOT_A_ROW_AFTER = re.compile(r"\s+(?:years?|yrs?|months?|days?|kids?|children|more|less|fewer|extra|percent|"
                             r"times|or|and|to|of|k|dollars?|too|a|an|the|be|enough|still|really|high|low|"
                             r"old|young|big|small|much|many|hours?|weeks?|points?|people|ppl|persons?)\b")


def _number_inside_mention(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """A feature mention with a number inside ("grade 3 tumours" tagged as one): the column before
    the number, and the number its value; the words after it are left to the spans that hold them."""
    out = []
    for sp in spans:
        m = re.fullmatch(r"([A-Za-z][A-Za-z ]*?)\s+(\d+(?:\.\d+)?)\s+[A-Za-z][A-Za-z ]*", sp.text)
        if sp.tag != "FEAT" or m is None or linking.link_feature(sp.text, schema, use_embeddings=False).score >= 0.95 or \
                linking.link_feature(m.group(1), schema, use_embeddings=False).best is None:
            out.append(sp)
            continue
        out.append(_Span(sp.start, sp.start + len(m.group(1)), "FEAT", m.group(1)))
        out.append(_Span(sp.start + m.start(2), sp.start + m.end(2), "NUM", m.group(2)))
    return sorted(out, key=lambda x: (x.start, x.end))


def _numbers_in_names(text: str, spans: list[_Span], schema: ChatSchema) -> None:
    """A year that is part of how a column or the target is described, said beside a word of
    that description ("1978 earnings", "earnings in 1978" of ``re78``, "real earnings in 1978"):
    part of the name, not a row (unless a row noun comes right before it: "row 1978")."""
    low = text.lower()
    for sp in spans:
        if sp.tag not in ("ID", "NUM") or not re.fullmatch(r"1[89]\d\d|20\d\d", sp.text.strip()):
            continue  # (a year: "1978 earnings"; "grade 3", "10 yrs" stay numbers)
        if re.search(r"\b" + ROW_NOUNS + r"s?\s*#?\s*$|#\s*$", low[:sp.start]) or \
                re.search(r"\b(?:" + "|".join(map(re.escape, row_words(schema) or {"row"})) + r")\s*#?\s*$", low[:sp.start]):
            continue
        n = sp.text.strip()
        around = set(re.findall(r"[a-z]{3,}", low[max(0, sp.start - 20):sp.start])[-2:] +
                     re.findall(r"[a-z]{3,}", low[sp.end:sp.end + 20])[:2])
        for f in [schema.target, *schema.features]:
            desc = str((schema.descriptions or {}).get(f, "") or "").lower()
            if f and re.search(r"\b" + n + r"\b", desc) and around & set(re.findall(r"[a-z]{3,}", desc)) - STOPWORDS:
                sp.tag, sp.used = "SAID", True
                break


def _ids_by_form(text: str, spans: list[_Span], schema: ChatSchema | None = None) -> None:
    """A number the tagger read as a value, where English makes it a row: right after a row noun
    ("customer 9", "row #3"), or right after "if" / "why was" and before a verb ("what if 3 had").
    A whole number right after what the rows are called ("house 7" for a model of houses) is a
    row whatever the tagger made of it, and is the row the question names."""
    low = text.lower()
    for sp in list(spans):  # "why was -5 denied" with "-5" read as a class and "5" as the row: "-5" is the row
        inner = [o for o in spans if o.tag == "ID" and sp.start <= o.start and o.end <= sp.end and o is not sp]
        if inner and sp.tag != "ID" and re.fullmatch(r"\s*-\s*\d+\s*", sp.text) and \
                (schema is None or sp.text.strip() not in {str(c) for c in schema.classes}):
            for o in inner:
                spans.remove(o)
            sp.tag = "ID"
    own = "|".join(re.escape(w) for w in sorted(row_words(schema), key=len, reverse=True)) if schema is not None else ""
    # and its first letters, as people cut it before a number ("prof 50 had" of professors), where
    # the number then ends the question or a verb follows it (never "workers work 40 hours")
    cut = "|".join(re.escape(w[:k]) for w in row_words(schema) for k in range(4, len(w) - 1)) if schema is not None else ""
    for sp in spans:  # "the mom of 12", "the mother of row 12": that row
        if sp.tag == "NUM" and re.fullmatch(r"\d{1,7}", sp.text.strip()) and not any(o.tag == "ID" for o in spans) and \
                re.search(r"\bthe\s+(?:" + PERSON_NOUNS + r"|baby|parent|" + ROW_NOUNS + r")\s+of\s+(?:row\s+)?#?\s*$",
                          low[:sp.start]):
            sp.tag = "ID"
    if own:
        for sp in spans:
            whole = re.fullmatch(r"(?:" + own + r")\s*#?\s*(\d+)\s*", sp.text.lower())
            if sp.tag != "ID" and whole:  # the tagger took "house 8" as one mention: its number is the row
                sp.start, sp.text = sp.start + whole.start(1), whole.group(1)
                sp.end = sp.start + len(sp.text)
            noun = re.search(r"\b(?:" + own + r")\s*#?\s*$", low[:sp.start]) or cut and re.match(
                CUT_ROW_AFTER, low[sp.end:]) and re.search(r"\b(?:" + cut + r")\s*#?\s*$", low[:sp.start])
            if sp.tag != "ID" and re.fullmatch(r"#?\d+", sp.text.strip()) and noun:
                for other in spans:
                    if other.tag == "ID":
                        other.tag = "NUM"
                    elif other.start >= noun.start() and other.end <= sp.start:
                        other.tag, other.used = "SAID", True  # ("prof 50": the rows' noun, not the rank Prof)
                sp.tag = "ID"
                return
    ids = [sp for sp in spans if sp.tag == "ID"]
    named = [sp for sp in ids if re.search(r"\b" + ROW_NOUNS + r"\s*#?\s*$", low[:sp.start])]
    if len(ids) > 1 and len(named) == 1:
        # "why did it predict 42000 for house 3": the number after a row noun is the row; the
        # other, an amount
        for sp in ids:
            if sp is not named[0]:
                sp.tag = "NUM"
    if ids:
        return
    columns = {w for f in (schema.features if schema is not None else []) for w in split_words(f)}
    for sp in spans:
        whole = re.fullmatch(r"(" + ROW_NOUNS + r")\s*#?\s*(\d+)\s*", sp.text.lower())
        if sp.tag in ("NUM", "VAL", "FEAT") and whole and linking.singular(whole.group(1)) not in columns:
            # the tagger took "house 5" as one mention, on data with no column of houses: a row
            sp.start, sp.text, sp.tag = sp.start + whole.start(2), whole.group(2), "ID"
            sp.end = sp.start + len(sp.text)
            return
    opened = r"\b(?:if|why (?:was|is|did|does)|was|is|did|does|would|will|could)\s+(?:the\s+)?"
    verb_after = r"\s+(?:was|were|is|had|has|got|gets|would|could|did|lived|moved|came|went|applied)\b"
    for sp in spans:
        # "what if resume 10 was from boston": a thing of the data and its number, then a verb: that row
        named = re.fullmatch(r"([a-z]+)\s*#?\s*(\d+)\s*", sp.text.lower())
        if sp.tag in ("NUM", "VAL", "FEAT") and named and named.group(1) not in columns and \
                re.search(opened + r"$", low[:sp.start]) and re.match(verb_after, low[sp.end:]):
            sp.start, sp.text, sp.tag = sp.start + named.start(2), named.group(2), "ID"
            sp.end = sp.start + len(sp.text)
            return
        word = re.search(opened + r"([a-z]+)\s*#?\s*$", low[:sp.start])
        if sp.tag in ("NUM", "VAL", "FEAT") and re.fullmatch(r"\d+", sp.text.strip()) and word and \
                word.group(1) not in columns and word.group(1) not in linking.STOP and re.match(verb_after, low[sp.end:]):
            for o in spans:  # (the tagger took the word for a column: it names the row's kind)
                if o.start >= word.start(1) and o.end <= sp.start:
                    o.tag, o.used = "SAID", True
            sp.tag = "ID"
            return
    for sp in spans:
        if sp.tag not in ("NUM", "VAL", "FEAT", "K") or not re.fullmatch(r"#?\d+", sp.text.strip()):
            continue  # a bare number the tagger read as a value or a feature ("what if 3 got married") as well
        before, after = low[:sp.start], low[sp.end:]
        if QUESTION_ROW.search(before) and re.match(r"\s+[a-z]", after) and not NOT_A_ROW_AFTER.match(after):
            # "wuld 7 work if she had no young kids", "will 12 pay back": a question opened by a
            # modal, then a number, then a verb: the number is who it asks about
            sp.tag = "ID"
            return
        if sp.tag == "K":
            continue
        if re.search(r"^\W*(?:and |so |ok )?(?:what|how) about\s+$", before) and \
                re.match(r"\s+(?:with|without|having|if)\b", after):
            sp.tag = "ID"  # "what about 25 with no reports": that row, with a change
            return
        if re.search(r"\b(?:in|of|for)\s+#?$", before) and re.match(r"\s+(?:was|were|is|went|had been)\s+(?:to\s+)?[$€£]?\d", after):
            if schema is None or _may_be_row(int(sp.text.strip().lstrip("#")), schema):
                sp.tag = "ID"  # "what if the pupil teacher ratio in 12 was 15": the row, then the value
                return
            sp.tag, sp.used = "SAID", True  # "the tax in 1995 was 50": when, not a value of the tax
            continue
        if schema is not None and re.search(r"\bfor\s+#?$", before) and re.fullmatch(r"\s*[?.!]*\s*", after) and \
                _no_feature_takes(int(sp.text.strip().lstrip("#")), spans, schema):
            sp.tag = "ID"  # "what if CH is on special for 10": no feature named can be 10, so it is the row
            return
        if re.search(r"\b" + ROW_NOUNS + r"\s*#?\s*$", before) or re.search(r"#\s*$", before) or (
                re.search(r"\b(?:if|why (?:was|is|did)|did|would|does|was|is|could)\s+$", before)
                and re.match(r"\s+(?:had|has|have|was|were|is|got|gets|earned|earns|made|makes|asked|owed|did|would|"
                             r"could|get|be|wasn't|wasnt|isn't|didn't|lost|took|takes|became|went|paid|moved|worked|"
                             r"lived|quit|left|bought|sold|borrowed|applied|[a-z]{3,}ed)\b", after)) or (
                re.search(r"\b(?:lend|loan|give (?:it|a loan|the loan|credit|money)|approve|deny|reject|accept|insure|"
                          r"cover|hire|flag|predict|explain)\s+(?:(?:it\s+)?to\s+|for\s+)?$", before)
                and re.fullmatch(r"\s*(?:or not)?\s*[?.!]*\s*", after)):  # "would you lend to 12"
            sp.tag = "ID"
            return
    # a number the tagger left out, where English makes it a row: "what if 1 had 2 more years of education"
    m = re.search(r"\b(?:if|why (?:was|is|did)|would|will|did|does|could)\s+(\d+)\s+(?:had|has|have|was|were|got|gets|"
                  r"earned|earns|made|makes|worked|lived|took|became|went|paid|moved)\b", low)
    if schema is not None and m and not any(sp.start < m.end(1) and m.start(1) < sp.end for sp in spans):
        spans.append(_Span(m.start(1), m.end(1), "ID", text[m.start(1):m.end(1)]))
        spans.sort(key=lambda x: (x.start, x.end))


# What follows "prof 50" when it is a row: the end of the question, or a verb or a clause's word.
CUT_ROW_AFTER = r"\s*(?:$|[?.!,]|(?:had|has|have|was|were|is|'s|would|could|will|did|does|do|get|got|gets|so|and|if|" \
                r"with|to|be|been|being|predicted|rated|scored)\b)"


def _may_be_row(n: int, schema: ChatSchema) -> bool:
    """Whether a number may be a row id, not a value of a column: no category's value ("the price
    in 1995 was 200" where ``year`` is 1985 or 1995), and no year beyond the ids where a column
    counts years. (A number beyond the ids otherwise is a row that is not there, and the answer
    says so.)

    >>> s = ChatSchema(["year", "tax"], categories={"year": ["1985", "1995"]}, max_id=96)
    >>> _may_be_row(12, s), _may_be_row(1995, s), _may_be_row(200, s)
    (True, False, True)
    """
    if any(str(n) in {str(v) for v in values} for values in schema.categories.values()):
        return False
    years = [f for f in schema.features if "year" in split_words(f) or
             f in schema.numeric and 1800 <= schema.numeric[f][0] and schema.numeric[f][1] <= 2100]
    return not (years and 1800 <= n <= 2100 and schema.max_id is not None and n > schema.max_id)


def _described_feature(word: str, schema: ChatSchema) -> bool:
    """Whether a word tagged as an outcome is, by the string alone, a word of one column's name or
    description and of no class's name (so it names that column, not an outcome)."""
    from .outcomes import _polar, _same, _stem, happened_word

    w = word.lower().strip()
    if " " in w or len(w) < 5 or any(_same(_stem(w), _stem(x)) for c in schema.classes for x in str(c).lower().split()):
        return False
    if happened_word(w) or any(_same(_stem(w), _stem(e)) for e in _polar()["undesirable_events"] if " " not in e):
        return False  # "defaulted" beside a column "prior default records": the outcome, as before
    def said(x: str) -> bool:  # the word, or a typo of a long one ("elegible")
        return x == w or len(x) >= 6 and difflib.SequenceMatcher(None, w, x).ratio() >= 0.85

    ix = linking.index(schema)
    hits = [f for f in ix.items if any(said(x) for x in (*ix.desc.get(f, ()), *ix.words.get(f, ())))]
    return len(hits) == 1


def _joined_pieces(text: str, spans: list[_Span]) -> list[_Span]:
    """Mentions the tagger cut in pieces, made whole: "at" + "risk" (a feature word, then a class
    word) is the class phrase "at risk"; "pre" + "menopausal", or "menopausal" after an untagged
    "pre-", is one mention with its prefix; a number tagged twice ("40s" as the row and as a feature)
    is the row."""
    spans = list(spans)
    for a, b in zip(list(spans), list(spans)[1:]):
        if a.tag in ("FEAT", "VAL") and a.text.lower().strip() in ("at", "in", "of", "on", "a", "an", "the") and \
                b.tag in ("CLS", "PRED", "LABEL") and re.fullmatch(r"\s", text[a.end:b.start]):
            b.start, b.text = a.start, text[a.start:b.end]
            spans.remove(a)
    for sp in list(spans):
        m = re.search(r"\b(pre|post)[\s-]?$", text[:sp.start].lower())
        if m and sp.tag in ("FEAT", "VAL") and re.match(r"[a-z]", sp.text.lower()):
            for o in [o for o in spans if o is not sp and o.start >= m.start() and o.end <= sp.start]:
                spans.remove(o)
            sp.start, sp.text = m.start(), text[m.start():sp.end]
    rows = {(sp.start, sp.end) for sp in spans if sp.tag == "ID"}
    return [sp for sp in spans if sp.tag == "ID" or (sp.start, sp.end) not in rows
            or not re.fullmatch(r"#?\d+(?:['’]?s)?", sp.text.strip())]


def _feature_then_number(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """"grade 3" tagged as one feature mention, or its 3 tagged as a count ("how many grade 3
    tumours"): a numeric column's name and then a number in its range is that column's value."""
    out: list[_Span] = []
    for sp in spans:
        m = re.fullmatch(r"(.*?[a-z].*?)\s+(\d+(?:\.\d+)?)", sp.text, re.I) if sp.tag in ("FEAT", "VAL") else None
        if m and _numeric_in_range(m.group(1), float(m.group(2)), schema):
            out.append(_Span(sp.start, sp.start + len(m.group(1)), "FEAT", m.group(1)))
            out.append(_Span(sp.start + m.start(2), sp.end, "NUM", m.group(2)))
            continue
        prev = out[-1] if out else None
        if sp.tag == "K" and prev is not None and prev.tag == "FEAT" and re.fullmatch(r"\s?", text[prev.end:sp.start]) \
                and re.fullmatch(r"\d+(?:\.\d+)?", sp.text.strip()) and \
                _numeric_in_range(prev.text, float(sp.text.strip()), schema):
            sp.tag = "NUM"
        word = re.search(r"([a-z][a-z_.]+)\s$", text[:sp.start].lower())
        if sp.tag in ("ID", "K", "FEAT") and word and re.fullmatch(r"\d+", sp.text.strip()) and \
                not re.fullmatch(ROW_NOUNS + r"s?", word.group(1)) and \
                not any(o.start < sp.start and word.start(1) < o.end for o in spans if o is not sp) and \
                _numeric_in_range(word.group(1), float(sp.text), schema):
            # "grade 3 patients" with "grade" untagged and the 3 read as a row (or as the feature):
            # the grade's value
            out.append(_Span(word.start(1), word.end(1), "FEAT", text[word.start(1):word.end(1)]))
            sp.tag = "NUM"
        out.append(sp)
    out.sort(key=lambda x: (x.start, x.end))
    return _numbered_names(text, out, schema)


def _numbered_names(text: str, spans: list[_Span], schema: ChatSchema) -> list[_Span]:
    """"store 7" where a column is named ``Store7``: the word and the number are one mention of
    that column (a yes / no column: the sale was at store 7), not the number 7 of a ``STORE`` column."""
    names = _numbered_columns(schema)
    if not names:
        return spans
    out: list[_Span] = []
    for sp in spans:
        prev = out[-1] if out else None
        if prev is not None and prev.tag == "FEAT" and sp.tag in ("NUM", "ID", "K") and \
                re.fullmatch(r"\s?", text[prev.end:sp.start]) and \
                " ".join(split_words(prev.text) + [sp.text.strip()]).lower() in names:
            out[-1] = _Span(prev.start, sp.end, "FEAT", text[prev.start:sp.end])
            continue
        out.append(sp)
    return out


def _no_feature_takes(n: int, spans: list[_Span], schema: ChatSchema) -> bool:
    """Whether some feature is named and none of those named can have the value ``n`` (a yes / no
    column, or a numeric one whose range in the data stops short of it)."""
    named = [linking.link_feature(sp.text, schema, use_embeddings=False) for sp in spans if sp.tag == "FEAT"]
    cols = [c for r in named for c in ([r.best] if isinstance(r.best, str) else list(r.ambiguous or []))]
    return bool(cols) and all(c in schema.booleans or c in schema.numeric and not (
        schema.numeric[c][0] <= n <= schema.numeric[c][1]) for c in cols)


def _numbered_columns(schema: ChatSchema) -> dict[str, str]:
    """Columns whose name ends in a number, by their words ({"store 7": "Store7"})."""
    return _numbered_names_of(tuple(schema.features))


@functools.lru_cache(maxsize=64)
def _numbered_names_of(features: tuple[str, ...]) -> dict[str, str]:
    # (once per schema: asked of every mention that ends in a number)
    named = {" ".join(split_words(f)): f for f in features}
    return {words: f for words, f in named.items() if re.search(r"[a-z]\s*\d+$", words)}


def _fits_one_range(text: str, sp: _Span, spans: list[_Span], schema: ChatSchema, candidates: list) -> str | None:
    """Of the columns a vague mention could be ("bill": bill_length_mm or bill_depth_mm), the one
    whose range in the data holds the number right beside it ("a 45mm bill": only the length
    runs that high), or None."""
    near = [o for o in spans if o.tag == "NUM" and _same_clause(text, min(o.end, sp.end), max(o.start, sp.start)) and
            (0 <= sp.start - o.end <= 12 or 0 <= o.start - sp.end <= 12)]
    values = [v for o in near if isinstance(v := read_number(o.text.strip()), (int, float))]
    if len(values) != 1:
        return None
    fits = [c for c in candidates if isinstance(c, str) and c in schema.numeric and c not in schema.booleans
            and schema.numeric[c][0] <= values[0] <= schema.numeric[c][1]]
    return fits[0] if len(fits) == 1 else None


def _numeric_in_range(words: str, value: float, schema: ChatSchema) -> bool:
    """Whether ``words`` name one numeric column (by its name, not by resemblance) whose range holds ``value``."""
    r = linking.link_feature(words, schema, use_embeddings=False)
    if r.best is None or r.best not in schema.numeric or r.best in schema.booleans:
        return False
    lo, hi = schema.numeric[r.best]
    return lo <= value <= hi


def _possessive_ids(text: str, spans: list[_Span]) -> list[_Span]:
    """"what if 45's mitoses were 1", "7's income": a number with a possessive is a row, whatever
    the tagger made of "45's" (a feature, a number)."""
    found = [m for m in re.finditer(r"(?<![\w.,$])(\d+)['’]s\b", text)]
    if not found:
        # "worker 8s income", "is 3310s income verified": the apostrophe left out; never a decade
        # ("in their 60s", "the 1990s")
        found = [m for m in re.finditer(r"(?<![\w.,$])(\d+)s\s+(?=[a-z])", text)
                 if not (int(m.group(1)) % 10 == 0 and (10 <= int(m.group(1)) <= 90 or 1800 <= int(m.group(1)) <= 2090))
                 and (re.search(r"\b" + ROW_NOUNS + r"\s*#?\s*$", text[:m.start()].lower())
                      or re.match(r"^\W*(?:is|was|does|did|what(?:'s|s| is| was)?|how)\s+(?:\w+\s+)?$",
                                  text[:m.start()].lower()))]
    if not found or any(sp.tag == "ID" and not re.fullmatch(r"\d+['’]?s?", sp.text.strip()) for sp in spans):
        return spans
    m = found[0]
    for sp in spans:  # a mention the tagger ran over the row ("12s job"): the words after it stay
        if sp.start < m.end() and m.start() < sp.end and sp.end > m.end() and text[m.end():sp.end].strip():
            sp.start, sp.text = m.end(), text[m.end():sp.end]
    keep = [sp for sp in spans if sp.end <= m.start() or sp.start >= m.end()]
    keep = [sp for sp in keep if sp.tag != "ID"]  # the possessive names the row
    keep.append(_Span(m.start(1), m.end(1), "ID", m.group(1)))
    return sorted(keep, key=lambda sp: (sp.start, sp.end))


def _merge_features(text: str, spans: list[_Span], schema: ChatSchema) -> None:
    """Feature mentions tagged word by word ("cell" "shape" "uniformity") are one mention where
    together they name one column ("Cell Shape Uniformity") and apart they do not."""
    if schema.kind != "tabular":
        return
    i = 0
    while i + 1 < len(spans):
        a, b = spans[i], spans[i + 1]
        if a.tag == "FEAT" and b.tag == "FEAT" and re.fullmatch(r"[\s._-]*(?:(?:to|of|per|over)\s+)?", text[a.end:b.start]) \
                and re.fullmatch(r"[A-Za-z][\w.'-]*(?: [\w.'-]+)*", a.text) and re.match(r"[A-Za-z]", b.text):
            merged = text[a.start:b.end]
            whole = linking.link_feature(merged, schema, use_embeddings=False)
            name = set(split_words(whole.best)) if isinstance(whole.best, str) else set()

            # each part holds a word of the name ("payment" + "income ratio" -> payment.to.income)
            shared = [any(w[:4] == n[:4] for w in split_words(t) if len(w) >= 3 for n in name) for t in (a.text, b.text)]
            if whole.best is not None and whole.score >= 0.8 and all(shared):
                a.end, a.text = b.end, merged
                del spans[i + 1]
                continue
        i += 1


def _yes_no_compounds(text: str, spans: list[_Span], schema: ChatSchema) -> None:
    """"self employed" where a yes/no column is called ``self``: the word after the column's whole
    name is the rest of its name said in full, not a second column ("employed" is not ``emp``)."""
    for a, b in zip(spans, spans[1:]):
        f = a.link[0] if isinstance(a.link, tuple) else a.link
        if f in schema.booleans and isinstance(b.link, str) and b.link != f and \
                a.text.lower().strip() == "".join(split_words(f)) and re.fullmatch(r"\s?-?\s?", text[a.end:b.start]):
            b.link, b.used = None, True


def _int(text: str) -> int | None:
    v = read_number(text)
    return int(v) if isinstance(v, (int, float)) and float(v).is_integer() else None


def _unique(items: list[dict]) -> list[dict]:
    out: list[dict] = []
    for d in items:
        if d not in out:
            out.append(d)
    return out
