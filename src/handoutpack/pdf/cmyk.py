"""One content stream rewritten for print: its RGB and Lab colours in the profile's CMYK, its
transparency tinted against the paper when flattened, and dark text in black ink alone."""

from __future__ import annotations

from typing import Any

import pikepdf
from pikepdf import Name, Operator


TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
FILLING = {"f", "F", "f*", "B", "B*", "b", "b*"}
"""Operators that paint with the fill colour: shapes (text is told apart, see Stream)."""
BLACK_TEXT_BELOW = 20.0
"""Text darker than this CIE lightness (L*, 0..100) prints with black ink alone: the body text
and every near-black, crisp on one plate where four would blur it by any misregistration and
carry 250 % ink or more; large dark areas keep the profile's rich black."""
BLACK = [0.0, 0.0, 0.0, 1.0]


def lightness(red: float, green: float, blue: float) -> float:
    """CIE L* (0..100) of an sRGB colour (components 0..1)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    y = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


class Stream:
    """One content stream being rewritten: the colour spaces and alpha in force, by q/Q. A dark
    fill colour is set as black ink alone, for text; before a shape is filled with it, the
    profile's (rich) colour is set instead, and black again before the next text."""

    def __init__(self, converter: Any, resources):
        """`converter`: printfile.Converter, which converts what the stream refers to."""
        self.converter, self.resources = converter, resources
        self.state = {"fill": "gray", "stroke": "gray", "fill_alpha": 1.0, "stroke_alpha": 1.0,
                      "fill_colour": None, "stroke_colour": None, "fill_dark": False,
                      "fill_set": None}
        self.saved: list[dict] = []

    def rewrite(self, instructions) -> list:
        out = []
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                out.append(instruction)
                continue
            operands, operator = list(instruction.operands), str(instruction.operator)
            out += self._instruction(operands, operator)
        return out

    def _instruction(self, operands: list, operator: str) -> list:
        flatten = self.converter.flatten
        if operator in ("k", "g", "cs", "sc", "scn"):  # a new fill colour: not known dark
            self.state["fill_dark"], self.state["fill_set"] = False, None
        if operator == "q":
            self.saved.append(dict(self.state))
        elif operator == "Q" and self.saved:
            self.state = self.saved.pop()
        elif operator in ("rg", "RG"):
            side = "fill" if operator == "rg" else "stroke"
            cmyk = self.converter.inks.rgb(*map(float, operands))
            dark = lightness(*map(float, operands)) < BLACK_TEXT_BELOW
            return self._set_cmyk(side, list(cmyk), dark=dark)
        elif operator in TEXT_SHOWING and self.state["fill_dark"]:
            return self._fill_with(BLACK) + [_op(operands, operator)]
        elif operator in FILLING and self.state["fill_dark"]:
            return self._fill_with(self.state["fill_colour"]) + [_op(operands, operator)]
        elif operator in ("k", "K") and flatten:
            return self._set_cmyk("fill" if operator == "k" else "stroke", list(map(float, operands)))
        elif operator in ("g", "G"):
            side = "fill" if operator == "g" else "stroke"
            self.state[side] = "gray"
            if flatten:
                return self._set_cmyk(side, [0, 0, 0, 1 - float(operands[0])])
        elif operator in ("cs", "CS"):
            side = "fill" if operator == "cs" else "stroke"
            kind = self.converter.space_kind(operands[0], self.resources)
            self.state[side] = kind
            if kind in ("rgb", "lab"):
                return [_op([Name.DeviceCMYK], operator)]
        elif operator in ("sc", "scn", "SC", "SCN"):
            side = "fill" if operator in ("sc", "scn") else "stroke"
            if self.state[side] in ("rgb", "lab") and all(
                    isinstance(o, (int, float, pikepdf.Object)) and not isinstance(o, pikepdf.Name)
                    for o in operands):
                values = [float(o) for o in operands]
                cmyk = self.converter.colour(self.state[side], values)
                dark = (values[0] if self.state[side] == "lab" else lightness(*values[:3])
                        ) < BLACK_TEXT_BELOW
                return self._set_cmyk(side, cmyk, operator, dark)
            if operands and isinstance(operands[-1], pikepdf.Name):
                self._pattern(operands[-1])
        elif operator == "gs":
            return self._graphics_state(operands)
        elif operator == "Do":
            xobject = self._resource(Name.XObject, operands[0])
            if xobject is not None:
                self.converter.xobject(xobject, self.resources)
        elif operator == "sh":
            shading = self._resource(Name.Shading, operands[0])
            if shading is not None:
                self.converter.shading(shading)
        return [_op(operands, operator)]

    def _set_cmyk(self, side: str, cmyk: list[float], operator: str | None = None,
                  dark: bool = False) -> list:
        self.state[side] = "cmyk"
        self.state[f"{side}_colour"] = cmyk
        if side == "fill":
            self.state["fill_dark"] = dark
            if dark:  # set for text, the commonest use of a dark fill
                cmyk = BLACK
            self.state["fill_set"] = cmyk
        if operator:  # sc or scn in a colour space now DeviceCMYK
            return [_op(self._tinted(side, cmyk), operator)]
        return [_op(self._tinted(side, cmyk), "k" if side == "fill" else "K")]

    def _tinted(self, side: str, cmyk: list[float]) -> list[float]:
        alpha = self.state[f"{side}_alpha"] if self.converter.flatten else 1.0
        return [round(value * alpha, 4) for value in cmyk]

    def _fill_with(self, cmyk: list[float]) -> list:
        """`cmyk` as the fill colour, unless it is the one set already."""
        if self.state["fill_set"] == cmyk:
            return []
        self.state["fill_set"] = cmyk
        return [_op(self._tinted("fill", cmyk), "k")]

    def _graphics_state(self, operands: list) -> list:
        out = [_op(operands, "gs")]
        state = self._resource(Name.ExtGState, operands[0])
        if state is None:
            return out
        fill, stroke = self.converter.graphics_state(state, self.resources)
        for side, alpha in (("fill", fill), ("stroke", stroke)):
            if alpha is None or alpha == self.state[f"{side}_alpha"]:
                continue
            self.state[f"{side}_alpha"] = alpha
            if self.converter.flatten and self.state[f"{side}_colour"] is not None:
                out += self._set_cmyk(side, self.state[f"{side}_colour"],
                                      dark=side == "fill" and self.state["fill_dark"])
        return out

    def _pattern(self, name) -> None:
        pattern = self._resource(Name.Pattern, name)
        if pattern is not None:
            self.converter.pattern(pattern, self.resources)

    def _resource(self, kind, name):
        table = self.resources.get(kind)
        return table.get(name) if table is not None else None


def _op(operands, operator: str):
    return pikepdf.ContentStreamInstruction(operands, Operator(operator))
