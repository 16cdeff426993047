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
    # Intake and case handling (issue 5).
    "preliminary_answer": "forvaltningsloven § 11a tredje ledd",
    "investigation": "forvaltningsloven § 17",
    "reasons": "forvaltningsloven §§ 24–25",
    "appeal": "forvaltningsloven §§ 27–29",
    "child_heard": "barnekonvensjonen art. 12; Grunnloven § 104",
    "child_best_interests": "barnekonvensjonen art. 3; Grunnloven § 104",
    # Audit criteria (issue 7, DOMAIN.md §4.9).
    "coordinator_training": "forskrift om habilitering mv. § 6 (koordinerende enhets ansvar "
    "for opplæring og veiledning av koordinatorer)",
    "coordinator_naming": "helse- og omsorgstjenesteloven §§ 7-2 og 7-3 (Nes kommunes rutine: "
    "koordinator oppnevnt innen to uker)",
    "decision_reasons": "forvaltningsloven §§ 24–25 og 27 (begrunnelse og klageopplysninger)",
    "decision_required": "helse- og omsorgstjenesteloven § 3-2; "
    "pasient- og brukerrettighetsloven § 2-7",
    "decision_started": "helse- og omsorgstjenesteloven §§ 3-1 og 4-1 (tjenesten skal ytes "
    "slik vedtaket sier)",
    "nav_guidance": "sosialtjenesteloven § 17",
    "nav_activity_condition": "sosialtjenesteloven § 20 a andre ledd",
    "nav_kvp": "sosialtjenesteloven § 29",
    "nav_child_heard": "barnekonvensjonen art. 3 og 12; Grunnloven § 104",
    "cooperation_routine": "helse- og omsorgstjenesteloven § 3-4 og § 6-1; forskrift om "
    "ledelse og kvalitetsforbedring i helse- og omsorgstjenesten § 6",
    "service_directory": "helse- og omsorgstjenesteloven § 7-3; forskrift om habilitering mv. "
    "§ 6 (Selbu: kontaktinformasjon synlig og oppdatert)",
    "responsibility_group": "helse- og omsorgstjenesteloven § 3-4; forskrift om habilitering "
    "mv. § 21 (koordinator følger opp og innkaller til møter)",
    "internal_control": "kommuneloven § 25-1; sosialtjenesteloven § 5; forskrift om ledelse og "
    "kvalitetsforbedring i helse- og omsorgstjenesten §§ 6–9",
    "needs_mapping": "forskrift om habilitering mv. § 19 a; helse- og omsorgstjenesteloven "
    "§ 3-2 (kartlegging av behov, Selbu 2.5)",
    "audit_mandate": "kommuneloven §§ 23-2 og 24-2; forskrift om kontrollutvalg og revisjon § 15",
    "supervision": "kommuneloven § 30-1; helse- og omsorgstjenesteloven § 12-3; "
    "sosialtjenesteloven § 9",
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
