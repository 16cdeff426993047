"""No person data in application logs (Normen; docs/security.md).

Views never log names or numbers, but a library's message can quote a URL or a
form value. This filter masks every run of eleven digits — the shape of a
fødselsnummer or D-nummer — before a record reaches any handler.
"""

import logging
import re

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
MASK = "***********"


class MaskNationalIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = ELEVEN_DIGITS.sub(MASK, message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
