"""Every legal reference Helhet cites, in one table.

The law moves (the welfare acts' shared cooperation provisions from 1 August
2022, DOMAIN.md §4.1); a new wording should be one change here, not a search
through templates. Code refers to the keys, the UI shows the text.
"""

REFERENCES = {
    "ip_right": "helse- og omsorgstjenesteloven § 7-1; pasient- og brukerrettighetsloven § 2-5",
    "coordinator": "helse- og omsorgstjenesteloven § 7-2; forskrift om habilitering mv. § 21",
    "coordinating_unit": "helse- og omsorgstjenesteloven § 7-3; forskrift om habilitering mv. § 6",
    "ip_content": "forskrift om habilitering og rehabilitering, individuell plan og koordinator § 19",
    "confidentiality": "helsepersonelloven §§ 21–22; forvaltningsloven §§ 13–13a; "
    "sosialtjenesteloven § 44",
    "access_log": "pasientjournalloven §§ 16–18; helsepersonelloven § 21a",
    "special_category": "personvernforordningen (GDPR) art. 9",
    "preliminary_answer": "forvaltningsloven § 11a",
}

# Forskrift § 19 a–i, in the audits' own order (Eidskog's checklist).
IP_CONTENT = {
    "a": "Mål, ressurser og behov for tjenester",
    "b": "Hvem som deltar i planarbeidet",
    "c": "Hvem som er koordinator",
    "d": "Hva personen, tjenesteyterne og pårørende skal bidra med",
    "e": "Tiltak, omfang og hvem som er ansvarlig",
    "f": "Hvordan tiltakene skal gjennomføres",
    "g": "Planperiode og når planen skal justeres/revideres",
    "h": "Samtykke til planen og til deltakernes tilgang til taushetsbelagte opplysninger",
    "i": "Samarbeid med andre tjenesteytere, institusjoner og etater",
}


def cite(key: str) -> str:
    return REFERENCES[key]
