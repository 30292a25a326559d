"""Goods groups as a tree (GRP, PRC-3): arrows move, Right/Left open and close a branch, Enter picks.

Used to narrow the price list to a group with its sub-groups, and from the goods groups list
(palette: "Drzewo grup"), where Enter opens the highlighted group's form and Insert adds a sub-group."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, Tree

from store.catalog import list_specs
from store.i18n import _
from tui.widgets.key_bar import KeyBar


class GroupTree(ModalScreen[int | None]):
    DEFAULT_CSS = """
    GroupTree { align: center middle; }
    GroupTree > Vertical { width: 80; max-width: 100%; height: 80%;
                           max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    GroupTree #tree-title { text-style: bold; }
    GroupTree Tree { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc"),
                Binding("insert,ctrl+n", "add_child", _("Dodaj podgrupę"), key_display="Ins/^N"),
                Binding("f2,ctrl+j", "edit", _("Zmień"), key_display="F2/^J")]

    def __init__(self, title: str, *, editable: bool = False) -> None:
        super().__init__()
        self.title_text, self.editable = title, editable

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="tree-title")
            yield Tree(_("Grupy towarowe"), id="groups")
        yield KeyBar()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(Tree).focus()

    def rebuild(self, select: int | None = None) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        rows = list_specs.group_tree()
        children: dict[int | None, list] = {}
        known = {r[0] for r in rows}
        for row in rows:
            children.setdefault(row[3] if row[3] in known else None, []).append(row)
        nodes = {}

        def add(parent_node, parent_id) -> None:
            for gid, code, name, _p in children.get(parent_id, []):
                label = f"{code} – {name}" if name and name != code else code
                kids = children.get(gid)
                node = parent_node.add(label, data=gid, expand=True) if kids else parent_node.add_leaf(label, data=gid)
                nodes[gid] = node
                add(node, gid)
        add(tree.root, None)
        tree.root.expand()
        target = nodes.get(select) if select else None
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)
        else:
            self.call_after_refresh(lambda: setattr(tree, "cursor_line", 1 if rows else 0))

    def _current(self) -> int | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is None:
            return
        if self.editable:
            self.action_edit()
        else:
            self.dismiss(event.node.data)

    def action_edit(self) -> None:
        gid = self._current()
        if not self.editable or gid is None:
            return
        from tui.screens.dictionaries import DictionaryForm

        self.app.push_screen(DictionaryForm("goods_groups", gid), lambda saved: self.rebuild(saved or gid))

    def action_add_child(self) -> None:
        if not self.editable:
            return
        from tui.screens.dictionaries import DictionaryForm

        parent = self._current()
        form = DictionaryForm("goods_groups", None, parent_id=parent)
        self.app.push_screen(form, lambda saved: self.rebuild(saved or parent))

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_group_tree(screen) -> None:
    """From the goods groups list (palette)."""
    screen.app.push_screen(GroupTree(_("Grupy towarowe – drzewo"), editable=True), lambda _r: screen.action_refresh())
