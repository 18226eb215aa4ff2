"""The parts of a parse the parser tests compare: operations, filters and changes, in plain tuples."""


def ops(p):
    return [o["op"] for o in p["ops"]]


def filters(p):
    return sorted((f["feature"], f["cmp"], str(f["value"])) for f in p["filters"])


def changes(p):
    return [(c["feature"], c["action"], c["value"]) for o in p["ops"] for c in o.get("changes", [])]
