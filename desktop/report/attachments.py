"""The machine-readable record inside a report: ``assessment.json`` as an embedded file, and the XMP
metadata (title, author, subject, keywords, language) written in the same incremental update,
before any signature. ``read_record`` gets the record back out (verification uses it).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

ATTACHMENT_NAME = "assessment.json"


@dataclass(frozen=True)
class DocumentInfo:
    """What the PDF's XMP metadata says about the document."""

    title: str
    author: str
    subject: str
    language: str  # 'en' or 'es'
    keywords: list[str] = field(default_factory=list)


def attach_record(pdf: bytes, record: dict[str, Any], info: DocumentInfo) -> bytes:
    """Embed ``record`` as ``assessment.json`` and write the XMP metadata (an incremental update)."""
    from pyhanko.pdf_utils import embed, misc
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata import model as xmp
    from pyhanko.pdf_utils.metadata import xmp_xml

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = json.dumps(record, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    ef = embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type="application/json")
    embed.embed_file(writer, embed.FileSpec(file_spec_string=ATTACHMENT_NAME, file_name=ATTACHMENT_NAME,
                                            embedded_data=ef, description="Vetta assessment record"))
    lang_tag = {"es": "es-ES", "en": "en-GB"}.get(info.language, info.language)
    language = xmp.ExpandedName(ns=xmp.NS["dc"], local_name="language")
    meta = writer.document_meta
    meta.title = misc.StringWithLanguage(info.title, lang_code=info.language)
    meta.author = info.author
    meta.subject = misc.StringWithLanguage(info.subject, lang_code=info.language)
    meta.keywords = list(info.keywords)
    meta.creator = "Vetta"
    # dc:language has no field in pyHanko's metadata model: write the XMP packet with it, then let the
    # writer keep it up to date (it updates an existing /Metadata stream in place, here and when signing).
    main, *rest = xmp_xml.update_xmp_with_meta(meta)
    fields = dict(main)
    fields[language] = xmp.XmpValue(xmp.XmpArray.unordered([xmp.XmpValue(lang_tag)]))
    stream = xmp_xml.MetadataStream.from_xmp([xmp.XmpStructure(fields), *rest])
    writer.root["/Metadata"] = writer.add_object(stream)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_record(pdf: bytes) -> dict[str, Any] | None:
    """The attached ``assessment.json`` of a Vetta report, or None when there is none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        root = PdfFileReader(io.BytesIO(pdf), strict=False).root
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == ATTACHMENT_NAME:
                loaded = json.loads(names[i + 1].get_object()["/EF"]["/F"].get_object().data)
                return loaded if isinstance(loaded, dict) else None
    except Exception:
        return None
    return None
