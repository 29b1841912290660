"""GitHub's task lists: `- [ ] to do` and `- [x] done` print a box, ticked or not, before the
item's text (a drawn character: HTML form fields would become PDF form fields)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

TASK = re.compile(r"^\[(?P<mark>[ xX])\][ \t]+")
BOXES = {" ": ("☐", "task-open"), "x": ("☑", "task-done")}


class TaskItems(Treeprocessor):
    def run(self, root):
        for item_list in root.iter():
            if item_list.tag not in ("ul", "ol"):
                continue
            found = False
            for item in item_list.findall("li"):
                holder = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() \
                    else item
                match = TASK.match(holder.text or "")
                if match:
                    found = True
                    self._tick(item, holder, match)
            if found:
                item_list.set("class", " ".join(filter(None, [item_list.get("class"), "tasks"])))

    @staticmethod
    def _tick(item: etree.Element, holder: etree.Element, match: re.Match) -> None:
        box, name = BOXES[match["mark"].lower()]
        mark = etree.Element("span", {"class": f"task-box {name}"})
        mark.text = box
        mark.tail = " " + holder.text[match.end():]
        holder.text = ""
        holder.insert(0, mark)
        item.set("class", " ".join(filter(None, [item.get("class"), "task"])))


class Extension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(TaskItems(md), "task_lists", 6)
