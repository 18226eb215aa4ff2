"""The REST API's pydantic models: the records' models are generated from the records themselves.

``record_model(Evidence)`` reads the dataclass fields, their type hints, the JSON keys the record
writes (``KEYS``, ``DERIVED``, ``schema_version``) and the meaning of each key from the schema
table in the record's module docstring, so the OpenAPI document at ``/docs`` says what
``evidence/attributions.py`` says, and a field added to a record appears in the API with no edit here.

>>> EvidenceModel = record_model(Evidence)
>>> sorted(EvidenceModel.model_json_schema()["required"])[:3]
['attributions', 'base_value', 'kind']
>>> EvidenceModel.model_fields["base_value"].description.startswith("the model's output (in ``unit``)")
True
>>> from explainer_nlg.evidence.changes import Change
>>> record_model(Change).model_fields["from_value"].alias
'from'
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..evidence import Evidence
from ..evidence.changes import CounterfactualSet, WhatIf
from ..evidence.serialise import Record

# ---- records -> pydantic models ------------------------------------------------------------------


@functools.cache
def record_model(cls: type) -> type[BaseModel]:
    """A pydantic model of ``cls.to_dict()`` (a ``serialise.Record`` dataclass), keys and meanings
    included. Extra keys are allowed (a newer writer may add some); every written key is typed."""
    hints = typing.get_type_hints(cls, localns={cls.__name__: cls})
    meanings = _meanings(cls)
    fields: dict[str, Any] = {}
    if cls.SCHEMA_VERSION is not None:
        fields["schema_version"] = (Literal[cls.SCHEMA_VERSION], Field(cls.SCHEMA_VERSION, description=meanings.get(
            "schema_version", "the record's schema version")))
    for f in dataclasses.fields(cls):
        key = cls.KEYS.get(f.name, f.name)
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None if _allows_none(hints[f.name]) else ...
        fields[f.name] = (_annotation(hints[f.name]), Field(default, alias=key, description=meanings.get(key)))
        for prop, after in cls.DERIVED.items():
            if after == f.name:
                fields[prop] = (Any, Field(None, description=meanings.get(prop)))
    config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)
    return create_model(f"{cls.__name__}Record", __config__=config, __doc__=(cls.__doc__ or "").strip(), **fields)


def schema_tables(doc: str) -> list[dict[str, str]]:
    """Each ``key  meaning`` table of a module docstring (rst simple tables) as key -> meaning.

    >>> schema_tables('''
    ... ====  =====
    ... kind  what it is,
    ...       in two lines
    ... ====  =====''')
    [{'kind': 'what it is, in two lines'}]
    """
    tables: list[dict[str, str]] = []
    key, inside = None, False
    for line in doc.splitlines():
        if re.fullmatch(r"=+(\s+=+)+\s*", line):
            if not inside:
                tables.append({})
            inside, key = True, None
            continue
        if not line.strip():
            inside, key = False, None
            continue
        if not inside:
            continue
        m = re.match(r"(\w+)\s{2,}(.*)", line)
        if m and m.group(1) != "key":
            key = m.group(1)
            tables[-1][key] = m.group(2).strip()
        elif line[0].isspace() and key:
            tables[-1][key] += " " + line.strip()
    return [t for t in tables if t]


def _meanings(cls: type) -> dict[str, str]:
    """The docstring table of ``cls``'s module that names most of its keys."""
    keys = {cls.KEYS.get(f.name, f.name) for f in dataclasses.fields(cls)}
    tables = schema_tables(sys.modules[cls.__module__].__doc__ or "")
    return max(tables, key=lambda t: len(keys & set(t)), default={})


def _allows_none(hint: Any) -> bool:
    return hint is Any or type(None) in typing.get_args(hint)


def _annotation(hint: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, Record):
        return record_model(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = tuple(_annotation(a) for a in args)
        return functools.reduce(lambda a, b: a | b, inner)
    if origin is list:
        return list[_annotation(args[0])] if args else list
    if origin is dict:
        return dict[args[0], _annotation(args[1]) | None] if args else dict
    return hint


EvidenceRecord = record_model(Evidence)
WhatIfRecord = record_model(WhatIf)
CounterfactualSetRecord = record_model(CounterfactualSet)

# ---- requests ----------------------------------------------------------------------------------

MODEL = Field("loan", description="a model name from GET /v1/models (the demos: loan, text, image)",
              examples=["loan"])
AUDIENCE = Field("customer", description="customer | support | developer", examples=["customer"])
X = Field("17", description="the input: for a table a row id (17) or a JSON object of feature values "
          "({\"Income\": 330, ...}); for a text model the message; for an image model a sample name or a "
          "data:image/...;base64 URL. The server checks it and names what is wrong.",
          examples=[17, "The cookies arrived stale.", {"Seniority": 9, "Home": "rent"}])


class Strict(BaseModel):
    """Unknown fields are refused by name (a misspelt field would otherwise be ignored silently)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())


class ExplainRequest(Strict):
    model: str = MODEL
    x: Any = X
    audience: str = AUDIENCE


class AskRequest(Strict):
    question: str = Field(..., description="the question, in any words", examples=["why was 17 denied?"])
    model: str = MODEL
    x: Any = Field("", description="the input the question is about when it names none (as in /v1/explain)")
    session: str = Field("", description="empty for a new conversation, or the `session` an earlier answer "
                         "returned, to ask a follow-up (\"and the next one?\")")
    audience: str = AUDIENCE
    operator: str | None = Field(None, max_length=200, description="optional: who asked on someone's behalf "
                                 "(a support agent's name or id), kept with the answer in the audit log")


class NarrateRequest(Strict):
    evidence: EvidenceRecord = Field(..., description="an Evidence record, as /v1/explain returns it")  # type: ignore[valid-type]
    audience: str = AUDIENCE
    model: str | None = Field(None, description="optional: a model whose feature descriptions the sentences use")


class VerifyRequest(Strict):
    text: str = Field(..., description="sentences about the prediction, from anywhere (an LLM, a person)")
    evidence: EvidenceRecord = Field(..., description="the Evidence record to check them against")  # type: ignore[valid-type]


class CounterfactualsRequest(Strict):
    model: str = MODEL
    x: Any = X
    target: str | None = Field(None, description="the class to reach (default: for two classes, the other one)")
    k: int = Field(3, description="how many counterfactuals (1 to 10)")
    immutable: list[str] | None = Field(None, description="features that must not change (default: the model's)")
    max_changes: int = Field(3, description="most features or words changed (1 to 5)")
    audience: str = AUDIENCE


class WhatIfRequest(Strict):
    model: str = MODEL
    x: Any = X
    changes: list[dict[str, Any]] = Field(..., description='tables: {"feature": "Income", "action": "set" | '
                                          '"increase" | "decrease", "value": 500}; text: {"action": "remove", '
                                          '"word": "stale"} or {"action": "replace", "word": "stale", "value": '
                                          '"fresh"}; images: {"action": "cover", "region": "centre"}',
                                          examples=[[{"feature": "Income", "action": "set", "value": 500}]])
    target: str | None = Field(None, description="the class whose probability change is reported")
    audience: str = AUDIENCE

# ---- responses ---------------------------------------------------------------------------------


class Sentence(BaseModel):
    text: str = Field(..., description="the sentence shown")
    template: str = Field(..., description="the template sentence it stands for (the ground truth)")
    status: str = Field(..., description="rephrased (the LLM's wording, verified) | template | fallback")
    reason: str = Field("", description="why the LLM's wording was not used (fallback), else empty")
    slot: str = Field("", description="what the sentence is about (decision, reasons, ...)")


class Narrated(BaseModel):
    text: str = Field(..., description="the sentences joined, plain text")
    sentences: list[Sentence]


class ExplainResponse(Narrated):
    evidence: EvidenceRecord  # type: ignore[valid-type]


class WhatIfResponse(Narrated):
    what_if: WhatIfRecord  # type: ignore[valid-type]


class CounterfactualsResponse(Narrated):
    counterfactuals: CounterfactualSetRecord  # type: ignore[valid-type]


class AskResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str = Field(..., description="the answer")
    session: str = Field(..., description="send this back as `session` to continue the conversation")
    parsed: dict[str, Any] = Field(default_factory=dict, description="the question as operations and slots")
    parts: list[dict[str, Any]] = Field(default_factory=list, description="per operation: its figures, record "
                                        "and narration")


class Verdict(BaseModel):
    sentence: str
    ok: bool = Field(..., description="every claim in the sentence is backed by the evidence")
    reason: str = Field("", description="the first claim that fails, else empty")


class VerifyResponse(BaseModel):
    all_true: bool
    sentences: list[Verdict]


class Feature(BaseModel):
    name: str
    type: str = Field(..., description="number | category")
    categories: list[str] | None = None
    range: list[float] | None = Field(None, description="[lowest, highest] seen in the data")
    allows_missing: bool = False


class ModelInfo(BaseModel):
    name: str
    loaded: bool = Field(..., description="false: a demo that loads on its first request (then its schema shows)")
    kind: str | None = Field(None, description="tabular | text | image")
    description: str | None = None
    classes: list[str] | None = None
    features: list[Feature] | None = Field(None, description="tables: what a JSON row must hold")
    rows: int | None = Field(None, description="tables: rows a row id can name")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    loaded_models: list[str]


class ErrorBody(BaseModel):
    error: str = Field(..., description="what is wrong, in a sentence that names it")
    status: int
    kind: str = Field(..., description="bad_input | too_large | unauthorized | timeout | busy | internal | ...")
    ref: str | None = Field(None, description="server failures: the reference to its traceback in the server log")


class CaseSummary(BaseModel):
    """One answer on the record, as GET /v1/cases lists it (newest first)."""

    model_config = ConfigDict(extra="allow")
    case: int = Field(..., description="the case number (the audit entry's sequence number)")
    time: str = Field(..., description="when it was recorded (UTC, YYYY-MM-DD HH:MM:SS)")
    kind: str
    session: str = ""
    subject: str = Field("", description="what it was about: \"row 17\", the start of a message, a photo")
    question: str = ""
    answer: str = Field("", description="the answer as shown")
    hash: str = Field(..., description="the entry's hash in the log's chain")


class CaseEntry(BaseModel):
    """One audit entry, whole: its place in the chain and everything recorded with the answer."""

    model_config = ConfigDict(extra="allow")
    seq: int
    hash: str
    prev_hash: str
    sealed: str = Field(..., description="whether the entry's content still matches its hash and follows the "
                        "entry before it (\"verified: ...\" or \"BROKEN: ...\")")
    payload: dict[str, Any] = Field(..., description="the question, the parsed operations, the evidence, "
                                    "each shown sentence with its verdict, the model's identity, the LLM audit")
