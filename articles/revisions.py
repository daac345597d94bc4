"""What a revision changes, as a reviewer reads it: field by field (Thai labels), line by line,
and inside a changed line word by word (``difflib``; Thai is segmented with PyThaiNLP's ``newmm``,
which keeps every character, so the pieces put back together are the line).

``revision_changes(live, content)`` compares the published text (``live``: an ``Article`` or a
dict of ``REVISED_FIELDS``) with a revision's ``content``. Foreign keys are shown by name. The
result is plain data; templates escape it (no HTML is built here).
"""

import difflib

from articles.models import REVISED_FIELDS, Article

CONTEXT_LINES = 1  # unchanged lines shown around a change; the others fold into "…"


def _words(line):
    from pythainlp.tokenize import word_tokenize

    from articles.search.text import dictionary

    return word_tokenize(line, custom_dict=dictionary(), engine="newmm", keep_whitespace=True)


def inline_diff(old, new):
    """``(old_parts, new_parts)``: each a list of ``(changed, text)`` covering the line."""
    a, b = _words(old), _words(new)
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_parts.append((tag != "equal", "".join(a[i1:i2])))
        if j2 > j1:
            new_parts.append((tag != "equal", "".join(b[j1:j2])))
    return _joined(old_parts), _joined(new_parts)


def _joined(parts):
    """Neighbouring pieces of one kind as one; a space between two changes counts as changed,
    so a changed phrase reads as one mark, not a word at a time."""
    out = []
    for index, (changed, text) in enumerate(parts):
        between_changes = (
            not text.strip() and 0 < index < len(parts) - 1 and parts[index + 1][0] and out[-1][0]
        )
        changed = changed or between_changes
        if out and out[-1][0] == changed:
            out[-1] = (changed, out[-1][1] + text)
        else:
            out.append((changed, text))
    return out


def line_rows(old, new):
    """Rows ``{"kind": same|removed|added|skip, "parts": [(changed, text)]}`` of a diff of two
    texts; a replaced line is paired with its new version and marked word by word."""
    a = [line.rstrip() for line in (old or "").splitlines()]
    b = [line.rstrip() for line in (new or "").splitlines()]
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [{"kind": "same", "parts": [(False, line)]} for line in a[i1:i2]]
            continue
        removed, added = a[i1:i2], b[j1:j2]
        if tag == "replace" and len(removed) == len(added):
            pairs = [inline_diff(x, y) for x, y in zip(removed, added, strict=True)]
            rows += [{"kind": "removed", "parts": parts} for parts, _ in pairs]
            rows += [{"kind": "added", "parts": parts} for _, parts in pairs]
            continue
        rows += [{"kind": "removed", "parts": [(True, line)]} for line in removed]
        rows += [{"kind": "added", "parts": [(True, line)]} for line in added]
    return _folded(rows)


def _folded(rows):
    """Unchanged lines further than ``CONTEXT_LINES`` from a change become one ``skip`` row."""
    changed = [i for i, row in enumerate(rows) if row["kind"] != "same"]
    keep = {
        i
        for c in changed
        for i in range(c - CONTEXT_LINES, c + CONTEXT_LINES + 1)
        if 0 <= i < len(rows)
    }
    out = []
    for i, row in enumerate(rows):
        if row["kind"] != "same" or i in keep:
            out.append(row)
        elif not out or out[-1]["kind"] != "skip":
            out.append({"kind": "skip", "parts": [(False, "…")]})
    return out


def _display(values):
    """``{field name: {pk: text}}`` for the foreign keys among ``values``: one query per model."""
    names = {}
    for field in Article._meta.concrete_fields:
        if field.is_relation and field.attname in REVISED_FIELDS:
            pks = {v for v in values.get(field.attname, ()) if v is not None}
            found = field.related_model.objects.filter(pk__in=pks).in_bulk() if pks else {}
            names[field.attname] = {pk: str(obj) for pk, obj in found.items()}
    return names


def revision_changes(live, content):
    """The fields ``content`` changes against ``live``, in form order:
    ``[{"name", "label", "rows"}]`` (see ``line_rows``)."""
    if isinstance(live, Article):
        live = {name: getattr(live, name) for name in REVISED_FIELDS}
    fields = {f.attname: f for f in Article._meta.concrete_fields}
    changed = [
        name
        for name in REVISED_FIELDS
        if name in content and (live.get(name) or None) != (content.get(name) or None)
    ]
    display = _display({name: (live.get(name), content.get(name)) for name in changed})

    def text(name, value):
        if value in (None, ""):
            return ""
        if name in display:
            return display[name].get(value, str(value))
        return str(value)

    found = []
    for name in changed:
        rows = line_rows(text(name, live.get(name)), text(name, content.get(name)))
        # A form sends CR LF and may trim spaces: a field whose lines are all the same is
        # not a change a reviewer needs to read.
        if any(row["kind"] in ("added", "removed") for row in rows):
            found.append({"name": name, "label": fields[name].verbose_name, "rows": rows})
    return found
