# One date input convention in both languages (docs/user-interface.md):
# ISO from the date picker, or dd.mm.åååå typed.
from helhet.core.forms import DATE_INPUT_FORMATS  # noqa: F401
