"""A real AT-SPI client for the tests: reads the kiosk's tree and does its actions, as Orca does.

Run by ``harness/atspi.py`` under Debian's own ``/usr/bin/python3``, which has pyatspi (package
python3-pyatspi); the project's venv does not, and cannot (it is built on GObject
introspection from Debian). It talks to the kiosk whose process id it is given, on the AT-SPI
bus of ``DBUS_SESSION_BUS_ADDRESS``, and answers each JSON request on a line of standard input
with one JSON line on standard output:

    {"cmd": "tree"}        the kiosk's window as shown, once it has settled (see ``_settled``)
    {"cmd": "do", "role": "check box", "name": "...", "action": "Toggle"}
                           do the named action of the one showing object with that role and name
    {"cmd": "listen", "events": ["object:property-change:accessible-name", "focus:"]}
                           start keeping those events
    {"cmd": "heard"}       the kept events since the last "heard", oldest first
    {"cmd": "read", "role": "label", "name": "...", "by": "word"}
                           the one showing object's text in pieces, as a screen reader reads
                           it by "char", "word", "sentence" or "line": [[text, start, end], ...]

A node is {"role", "name", "description", "states", "interfaces", "actions", "text",
"attributes", "extents", "children"} (extents: x, y, width, height on the screen); only what
is showing is walked into, as a screen reader's flat review would. An error is answered
with {"error": "..."}.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import pyatspi
from gi.repository import GLib

_SETTLE_TIMEOUT_S = 20.0
_POLL_S = 0.05

_heard: list[dict[str, Any]] = []


def _node(accessible: Any) -> dict[str, Any]:
    states = accessible.getState()
    node: dict[str, Any] = {
        "role": accessible.getRoleName(),
        "name": accessible.name or "",
        "description": accessible.description or "",
        "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
        "interfaces": sorted(pyatspi.listInterfaces(accessible)),
        "actions": [],
        "text": None,
        "attributes": {},
        "extents": None,
        "children": [],
    }
    if "Action" in node["interfaces"]:
        action = accessible.queryAction()
        node["actions"] = [action.getName(i) for i in range(action.nActions)]
    if "Text" in node["interfaces"]:
        node["text"] = accessible.queryText().getText(0, -1)
    if "Component" in node["interfaces"]:
        box = accessible.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        node["extents"] = [box.x, box.y, box.width, box.height]
    for attribute in accessible.getAttributes() or []:
        key, _, value = attribute.partition(":")
        node["attributes"][key] = value
    if states.contains(pyatspi.STATE_SHOWING):
        node["children"] = [_node(child) for child in accessible if child is not None]
    return node


def _application(pid: int) -> Any | None:
    desktop = pyatspi.Registry.getDesktop(0)
    for application in desktop:
        if application is not None and application.get_process_id() == pid:
            return application
    return None


def _windows(pid: int) -> list[Any]:
    """The kiosk's top-level windows that are showing."""
    application = _application(pid)
    if application is None:
        return []
    return [
        w for w in application if w is not None and w.getState().contains(pyatspi.STATE_SHOWING)
    ]


def _settled(pid: int) -> dict[str, Any]:
    """The kiosk's one showing window, once two looks in a row agree.

    The program shows its welcome screen in a window of its own first (kiosk.ui.early), and
    that window leaves the bus when the kiosk's own window takes over: until then there are two.
    """
    deadline = time.monotonic() + _SETTLE_TIMEOUT_S
    last: dict[str, Any] | None = None
    seen = "no application with that process id on the bus"
    while time.monotonic() < deadline:
        try:
            windows = _windows(pid)
            if len(windows) == 1:
                tree = _node(windows[0])
                if tree == last:
                    return tree
                last = tree
            else:
                seen = f"{len(windows)} showing windows"
        except GLib.Error as error:  # a window went away while it was being read
            seen = str(error)
            last = None
        time.sleep(_POLL_S)
    raise TimeoutError(f"the kiosk's tree did not settle in {_SETTLE_TIMEOUT_S:g} s ({seen})")


def _find(accessible: Any, role: str, name: str) -> list[Any]:
    found = []
    if accessible.getRoleName() == role and accessible.name == name:
        found.append(accessible)
    if accessible.getState().contains(pyatspi.STATE_SHOWING):
        for child in accessible:
            if child is not None:
                found += _find(child, role, name)
    return found


def _do(pid: int, role: str, name: str, action_name: str) -> dict[str, Any]:
    windows = _windows(pid)
    matches = [match for window in windows for match in _find(window, role, name)]
    showing = [m for m in matches if m.getState().contains(pyatspi.STATE_SHOWING)]
    if len(showing) != 1:
        return {"error": f"{len(showing)} showing {role} named {name!r}, not one"}
    action = showing[0].queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    if action_name not in names:
        return {"error": f"{role} {name!r} has no {action_name} action, only {names}"}
    return {"done": bool(action.doAction(names.index(action_name)))}


_BOUNDARIES = {
    "char": pyatspi.TEXT_BOUNDARY_CHAR,
    "word": pyatspi.TEXT_BOUNDARY_WORD_START,
    "sentence": pyatspi.TEXT_BOUNDARY_SENTENCE_START,
    "line": pyatspi.TEXT_BOUNDARY_LINE_START,
}


def _read(pid: int, role: str, name: str, by: str) -> Any:
    """The object's text piece by piece, each asked for at the offset where the last ended,
    as Orca does when it reads on by word or line."""
    matches = [match for window in _windows(pid) for match in _find(window, role, name)]
    if len(matches) != 1:
        return {"error": f"{len(matches)} showing {role} named {name!r}, not one"}
    text = matches[0].queryText()
    pieces: list[list[Any]] = []
    offset = 0
    while offset < text.characterCount:
        piece, start, end = text.getTextAtOffset(offset, _BOUNDARIES[by])
        if end <= offset:  # no progress: the implementation gave up
            return {"error": f"getTextAtOffset({offset}) gave {piece!r} {start}..{end}"}
        pieces.append([piece, start, end])
        offset = end
    return pieces


def _on_event(event: Any) -> None:
    source = event.source
    try:
        role, name = source.getRoleName(), source.name or ""
    except GLib.Error:  # the object is gone already
        role = name = ""
    _heard.append(
        {
            "type": event.type,
            "detail1": event.detail1,
            "value": event.any_data if isinstance(event.any_data, str | int) else None,
            "role": role,
            "name": name,
        }
    )


def _flush_events() -> None:
    context = GLib.MainContext.default()
    while context.iteration(False):
        pass


def _answer(pid: int, request: dict[str, Any]) -> Any:
    command = request.get("cmd")
    if command == "tree":
        return _settled(pid)
    if command == "do":
        return _do(pid, request["role"], request["name"], request["action"])
    if command == "read":
        return _read(pid, request["role"], request["name"], request["by"])
    if command == "listen":
        for event_type in request["events"]:
            pyatspi.Registry.registerEventListener(_on_event, event_type)
        _flush_events()
        _heard.clear()
        return {"listening": request["events"]}
    if command == "heard":
        _flush_events()
        heard = list(_heard)
        _heard.clear()
        return heard
    return {"error": f"unknown command {command!r}"}


def main() -> int:
    pid = int(sys.argv[1])
    for line in sys.stdin:
        try:
            reply = _answer(pid, json.loads(line))
        except Exception as error:  # every failure goes back to the test, which reports it
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
