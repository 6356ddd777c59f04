"""Reading pages in tests the way a user reads them: elements by tag and attribute, their text."""

from django.test.html import Element, parse_html


def page(response) -> Element:
    return parse_html(response.content.decode())


def _walk(node: Element):
    yield node
    for child in node.children:
        if isinstance(child, Element):
            yield from _walk(child)


def find_all(root: Element, name: str | None = None, **attrs) -> list[Element]:
    """Elements named `name` whose attributes match: find_all(root, "tr", data_federation=True)
    (present) or find_all(root, "table", id="board") (equal). Underscores stand for dashes."""
    wanted = {key.replace("_", "-"): value for key, value in attrs.items()}
    found = []
    for element in _walk(root):
        have = dict(element.attributes)
        if name is not None and element.name != name:
            continue
        if all(key in have and (value is True or have[key] == value) for key, value in wanted.items()):
            found.append(element)
    return found


def find(root: Element, name: str | None = None, **attrs) -> Element:
    found = find_all(root, name, **attrs)
    assert found, f"no <{name or '*'} {attrs}> on the page"
    return found[0]


def attr(element: Element, key: str) -> str | None:
    return dict(element.attributes).get(key)


def text(node) -> str:
    if isinstance(node, str):
        return node.strip()
    return " ".join(part for part in (text(child) for child in node.children) if part)


def grid_form(response) -> dict[str, str]:
    """The entry grid's inputs as the page rendered them, as a browser posts them back: checkboxes
    only when ticked, without the month picker's and the send-back form's boxes."""
    fields = {}
    for element in find_all(page(response), "input"):
        name, kind = attr(element, "name"), attr(element, "type")
        if not name or name in ("month", "reason"):
            continue
        if kind == "checkbox" and "checked" not in dict(element.attributes):
            continue
        fields[name] = attr(element, "value") or ""
    return fields
