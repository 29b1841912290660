"""pdfminer's page interpreter, fed by qpdf's content-stream parser (through pikepdf) instead of
pdfminer's own: its tokenizer, pure Python reading a stream byte by byte, was two thirds of the
time the proof spent reading pages. The operators run as pdfminer runs them (the same methods,
the same operand stack), so the layout is the same object for object: tests/test_proof_objects.py
compares them on unusual pages, and benchmarks/proof_reading.py on a whole build (equal on the
3,323 pages it read of the sample's proof, in 30 % less time). A stream qpdf cannot parse, or one
holding an inline image, is read by pdfminer's parser as before."""

from __future__ import annotations

from decimal import Decimal

import pikepdf
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import LIT

OPERATOR_METHODS: dict[str, str] = {}
"""'T*' -> 'do_T_a': pdfminer's name for each operator's method."""
_SCRATCH: list[pikepdf.Pdf] = []
"""A PDF to hold the streams handed to qpdf's parser (a stream needs one)."""


class FastInterpreter(PDFPageInterpreter):
    def execute(self, streams) -> None:
        instructions = _instructions(streams, self.parent_stream_ids)
        if instructions is None:
            super().execute(streams)
            return
        self.stream_ids.clear()
        self.stream_ids.update(stream_value(s).objid for s in streams)
        for operands, name in instructions:
            self.argstack.extend(operands)
            method = getattr(self, name, None)
            if method is None:
                continue  # an operator pdfminer does not know: it leaves the operands, so do we
            count = method.__code__.co_argcount - 1
            if count:
                arguments = self.pop(count)
                if len(arguments) == count:
                    method(*arguments)
            else:
                method()


def _instructions(streams, parents: set) -> list[tuple[list, str]] | None:
    """The operators of `streams` as qpdf parses them (operands as pdfminer's values, the name
    of pdfminer's method), or None where pdfminer's own reading is needed: a stream that is not
    an indirect object or is being read already (pdfminer's guard against a form drawing
    itself), an inline image, or what qpdf cannot parse."""
    data = []
    for item in streams:
        stream = stream_value(item)
        if not isinstance(stream, PDFStream) or stream.objid is None or stream.objid in parents:
            return None
        data.append(stream.get_data())
    try:
        parsed = pikepdf.parse_content_stream(pikepdf.Stream(_scratch(), b"\n".join(data)))
        return [([_value(o) for o in operands], _method(str(operator)))
                for operands, operator in parsed]
    except (pikepdf.PdfError, ValueError, TypeError):  # an inline image is not a pair
        return None


def _scratch() -> pikepdf.Pdf:
    if not _SCRATCH:
        _SCRATCH.append(pikepdf.new())
    return _SCRATCH[0]


def _method(operator: str) -> str:
    if operator not in OPERATOR_METHODS:
        OPERATOR_METHODS[operator] = "do_" + operator.replace("*", "_a").replace(
            '"', "_w").replace("'", "_q")
    return OPERATOR_METHODS[operator]


def _value(operand):
    """A qpdf operand as pdfminer's parser gives it: float for a real, bytes for a string,
    PSLiteral for a name, lists, and dicts whose keys lose their slash."""
    kind = type(operand)
    if kind is Decimal:
        return float(operand)
    if kind is int or kind is bool or operand is None:
        return operand
    if isinstance(operand, pikepdf.Name):
        return LIT(str(operand)[1:])
    if isinstance(operand, pikepdf.String):
        return bytes(operand)
    if isinstance(operand, pikepdf.Array):
        return [_value(item) for item in operand]
    if isinstance(operand, pikepdf.Dictionary):
        return {str(key)[1:]: _value(value) for key, value in operand.items()}
    raise ValueError(f"an operand pdfminer's parser would not give: {operand!r}")
