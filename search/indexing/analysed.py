"""Title and body analysed where a document is prepared (the extraction workers), not by the one writer.

Whoosh's ``add_document`` analyses every text field in the process that writes: splitting, stemming and
encoding the positions of each story's title and body were about 70 % of the single writer's time, and the
writer is the one process that cannot be multiplied (it alone writes the stories held back for the
corpus-wide registries, after extraction ends). The workers now do that part: :func:`analyse` adds to a
document the postings Whoosh's own ``field.index(value)`` makes of its title and body, and :func:`add` is
``SegmentWriter.add_document`` of whoosh-reloaded 2.7.5 (pinned) taking those postings instead of analysing
again. Same postings, field lengths and stored values (tested against ``add_document``); a field the worker
did not analyse, or a writer whose schema analyses it differently, is analysed as before.

The postings of English (unmarked) text are made by :mod:`search.indexing.fast_analysis`, the same list as
``field.index(value)`` without Whoosh's token generators (they were about a quarter of a worker's time);
marked text, and any field the fast path does not recognise, is analysed by Whoosh itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from whoosh.fields import FieldType, Schema

from search.indexing import schema
from search.indexing.fast_analysis import EnglishPostings, Postings, english_postings, is_english

ANALYSED = "_analysed"  # document key (Whoosh skips names starting with "_"): field name -> its postings
FIELDS = (schema.TITLE, schema.BODY)
_CHECKED = "_news_search_takes_postings"  # set on a Whoosh writer once its schema is checked


@lru_cache(maxsize=1)
def _fields() -> Schema:
    return schema.make_schema()


@lru_cache(maxsize=1)
def _fast() -> dict[str, EnglishPostings | None]:
    """Per field of ``FIELDS``: the fast path for its English text, or ``None`` (Whoosh analyses it)."""
    fields = _fields()
    return {name: english_postings(fields[name]) for name in FIELDS}


def analyse(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the postings of its title and body (the worker's side)."""
    doc[ANALYSED] = {name: postings(name, doc[name]) for name in FIELDS if doc.get(name)}
    return doc


def postings(name: str, value: Any) -> Postings:
    """``list(field.index(value))`` of the field ``name`` of ``FIELDS``: by the fast path for English text it
    recognises, by Whoosh otherwise."""
    fast = _fast()[name]
    if fast is not None and is_english(value):
        return fast(value)
    return list(_fields()[name].index(value))


def without_postings(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` without the postings ``analyse`` added (to keep it for later at a fraction of the size: the few
    documents written again are analysed by Whoosh then)."""
    return {name: value for name, value in doc.items() if name != ANALYSED}


def add(writer: Any, doc: dict[str, Any]) -> None:
    """``writer.add_document(**doc)``, with the postings ``analyse`` made (the writer's side)."""
    analysed = doc.get(ANALYSED)
    if analysed and _takes_postings(writer):
        _add_document(writer, doc, analysed)
    else:
        writer.add_document(**doc)


def update(writer: Any, doc: dict[str, Any]) -> None:
    """``writer.update_document(**doc)``: the stories with the same id go, then :func:`add`."""
    writer.delete_by_term(schema.ID_FIELD, doc[schema.ID_FIELD])
    add(writer, doc)


def same_analysis(index_schema: Schema) -> bool:
    """Whether the index analyses title and body as the workers' schema does (an index is rebuilt when it
    doesn't: ``schema.is_current``, so this is a safeguard), and has no field with term vectors or a separate
    spelling field (the branches of ``add_document`` :func:`_add_document` leaves out)."""
    ours = _fields()
    if any(field.vector or field.separate_spelling() for _, field in index_schema.items()):
        return False
    return all(_analysis(index_schema[name]) == _analysis(ours[name]) for name in FIELDS if name in index_schema)


def _takes_postings(writer: Any) -> bool:
    """``same_analysis`` of the writer's schema, checked once per writer."""
    checked = getattr(writer, _CHECKED, None)
    if checked is None:
        checked = same_analysis(writer.schema)
        setattr(writer, _CHECKED, checked)
    return checked


def _analysis(field: FieldType) -> tuple[Any, ...]:
    return type(field), type(field.format), vars(field.format), type(field.analyzer), field.scorable


def _add_document(writer: Any, fields: dict[str, Any], analysed: dict[str, Postings]) -> None:
    """``whoosh.writing.SegmentWriter.add_document`` (2.7.5) line for line, except that the postings of a field
    in ``analysed`` are taken from there instead of ``field.index(value)``, and without its branches for term
    vectors and separate spelling fields (no schema of ours has them; ``same_analysis`` checks)."""
    writer._check_state()
    perdocwriter = writer.perdocwriter
    index_schema = writer.schema
    docnum = writer.docnum
    add_post = writer.pool.add
    docboost = writer._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(index_schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = index_schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = writer._field_boost(fields, fieldname, docboost)
                items = analysed[fieldname] if fieldname in analysed else field.index(value)
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in items:
                    weight *= fieldboost
                    if scorable:
                        length += freq
                    add_post((fieldname, tbytes, docnum, weight, vbytes))
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1
