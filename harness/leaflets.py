"""Small leaflets written by tests: clearly test data, with no medical claims, for kiosks
of several leaflets (the topic menu, ticks and handouts across leaflets)."""

from __future__ import annotations

from pathlib import Path

# The words of each language's test leaflet: nothing in them is about health.
_WORDS = {
    "en": {
        "title": "Test topic {n}",
        "summary": "Test leaflet number {n}, for trying the kiosk.",
        "intro": "This is test leaflet number {n}. It is made up for testing the kiosk.",
        "section": "Test page {n}.{p}",
        "text": "This is page {p} of test leaflet {n}. It has nothing to learn.",
        "questions": "Questions to ask your doctor",
        "question": "Test question {q} of leaflet {n}?",
    },
    "es": {
        "title": "Tema de prueba {n}",
        "summary": "Folleto de prueba número {n}, para probar el quiosco.",
        "intro": "Este es el folleto de prueba número {n}. Está inventado para probar el quiosco.",
        "section": "Página de prueba {n}.{p}",
        "text": "Esta es la página {p} del folleto de prueba {n}. No tiene nada que aprender.",
        "questions": "Preguntas para hacerle a su médico",
        "question": "¿Pregunta de prueba {q} del folleto {n}?",
    },
}


def leaflet_text(
    number: int,
    code: str = "en",
    *,
    pages: int = 2,
    questions: int = 3,
    summary: bool = True,
    url: str | None = None,
    publisher: str | None = None,
) -> str:
    """Test leaflet ``number`` in ``code``: an introduction, ``pages`` pages and
    ``questions`` questions; ``url`` (its address on the web, for the handout's QR code) and
    ``publisher`` in its header if given."""
    words = {key: text.format(n=number, p="{p}", q="{q}") for key, text in _WORDS[code].items()}
    header = [
        "+++",
        f'title = "{words["title"]}"',
        f'language = "{code}"',
        'source = "Test data written by the kiosk\'s tests"',
    ]
    if summary:
        header.append(f'summary = "{words["summary"]}"')
    if url is not None:
        header.append(f'url = "{url}"')
    if publisher is not None:
        header.append(f'publisher = "{publisher}"')
    if code != "en":
        header += ['translated_from = "en"', 'reviewed_by = ""']
    lines = [*header, "+++", "", words["intro"], ""]
    for page in range(1, pages + 1):
        lines += [f"## {words['section'].format(p=page)}", "", words["text"].format(p=page), ""]
    lines += [f"## {words['questions']}", ""]
    lines += [f"- [ ] {words['question'].format(q=q)}" for q in range(1, questions + 1)]
    return "\n".join(lines) + "\n"


def write_leaflet(
    folder: Path,
    number: int,
    languages: tuple[str, ...] = ("en",),
    **options: int | bool | str | None,
) -> Path:
    """Write test leaflet ``number`` as ``folder/test-<number>/<code>.md`` in each of
    ``languages``; return its folder (its id is the folder's name)."""
    leaflet = folder / f"test-{number}"
    leaflet.mkdir(parents=True, exist_ok=True)
    for code in languages:
        text = leaflet_text(number, code, **options)  # type: ignore[arg-type]
        (leaflet / f"{code}.md").write_text(text, encoding="utf-8")
    return leaflet


def write_library(folder: Path, count: int, languages: tuple[str, ...] = ("en",)) -> list[str]:
    """``count`` test leaflets in ``folder``; their ids, in order."""
    return [write_leaflet(folder, n, languages).name for n in range(1, count + 1)]
