"""PDF versions of the compliance report, the audit report and the campaign
feedback letter (through ``core.pdf``: tagged PDF/UA, title, author, language).

None carries names or national identity numbers: a report leaves the system,
and the auditors who receive it have no basis to see persons.
"""

from functools import partial

from django.template.loader import render_to_string

from helhet.core import pdf

# Reports are saved, not read in the browser.
response = partial(pdf.response, inline=False)


def _author(context: dict) -> str:
    for key in ("sender", "municipality"):
        if context.get(key) is not None:
            return context[key].name
    sample = context.get("sample")
    return sample.municipality.name if sample is not None else ""


def render(template: str, context: dict, *, letter: bool = False) -> bytes:
    """A report (landscape tables) or, with ``letter``, a letter in the common layout."""
    return pdf.render(
        render_to_string(template, context),
        author=_author(context),
        stylesheets=("core/letter.css",) if letter else ("audit/pdf.css",),
    )
