"""What an auditor writes in a report's method chapter, per criterion
(docs/compliance.md): the definition, over whom it is measured, what counts as met,
and what the data cannot see — so the reader can judge, and disagree with, the
measure. Rendered on the criterion's page and in the compliance PDF.

Kept apart from the catalogue so a criterion's rule and its description can be
edited separately: ``criteria.with_texts`` fills a criterion's empty text
fields from here, and a text written on the ``Criterion`` itself wins.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXTS: dict[str, dict[str, "StrOrPromise"]] = {
    "ip_offered": {
        "definition": _(
            "Personer som har behov for langvarige og koordinerte tjenester, har rett til "
            "individuell plan, og kommunen skal tilby den. Kriteriet ser etter om et tilbud "
            "om individuell plan er registrert."
        ),
        "population": _(
            "Personer med en tjeneste som var gyldig i perioden, og som på periodens siste "
            "dag (eller i dag, om perioden ikke er slutt) fikk tjenester fra minst to av "
            "kommunens enheter samtidig, der minst én hadde vart i tre måneder."
        ),
        "met_when": _(
            "Det er registrert et tilbud om individuell plan, uansett om personen takket ja "
            "eller nei."
        ),
        "blind_spots": _(
            "Behovet anslås ut fra tjenestene registrert i Helhet, ikke ut fra en faglig "
            "vurdering: tjenester fra fastlege, DPS, TSB og NAV utenfor kommunens enheter "
            "telles ikke, og en person med stort behov hos én enhet kommer ikke med. Et "
            "tilbud som bare står i journalen, ses ikke; kommunen skal kunne dokumentere "
            "tilbudet (Eidskog)."
        ),
    },
    "coordinator_offered": {
        "definition": _(
            "Personer med behov for langvarige og koordinerte tjenester skal tilbys "
            "koordinator, også når de ikke ønsker individuell plan."
        ),
        "population": _(
            "Personer med langvarige, koordinerte tjenester fra flere enheter i perioden "
            "(samme avgrensning som for tilbud om individuell plan), og alle som har en "
            "individuell plan, uansett status."
        ),
        "met_when": _("Det er registrert et tilbud om koordinator."),
        "blind_spots": _(
            "Samme anslag for behovet som for individuell plan. En primærkontakt som i "
            "praksis er koordinator uten å være registrert som det (Eidskog), ses ikke."
        ),
    },
    "ip_content_complete": {
        "definition": _(
            "En individuell plan skal inneholde punktene i forskrift om habilitering og "
            "rehabilitering, individuell plan og koordinator § 19 bokstav a–i."
        ),
        "population": _("Alle planer med status aktiv, lest slik de står i dag."),
        "met_when": _(
            "Alle ni punktene er fylt ut: mål, ressurser og behov; hvem som deltar; "
            "koordinator; hva personen, tjenesteyterne og pårørende bidrar med; tiltak med "
            "omfang og ansvarlig; hvordan tiltakene gjennomføres; planperiode og revisjon; "
            "samtykke; samarbeid med andre tjenesteytere."
        ),
        "blind_spots": _(
            "Kriteriet ser om punktene er fylt ut, ikke om innholdet er godt, oppdatert "
            "eller skrevet sammen med personen. Planinnhold lagres ikke per dato, så også "
            "en tidligere periode måles med planene slik de er i dag."
        ),
    },
    "ip_revision_kept": {
        "definition": _(
            "Planen skal si når den skal justeres og revideres (§ 19 g), og den datoen skal holdes."
        ),
        "population": _("Alle planer med status aktiv."),
        "met_when": _("Planen har en revisjonsdato som ikke er passert."),
        "blind_spots": _(
            "Om revisjonen faktisk ble gjort sammen med personen, ses bare ved at en ny dato "
            "er satt; en dato som er flyttet uten gjennomgang, regnes som holdt."
        ),
    },
    "ip_consent_participants": {
        "definition": _(
            "Taushetsbelagte opplysninger i planen kan bare deles med deltakerne når "
            "personens samtykke omfatter dem (§ 19 h)."
        ),
        "population": _(
            "Aktive planer der minst én enhet eller ekstern samarbeidspart deltar. "
            "Pårørende trenger ikke samtykke og telles ikke."
        ),
        "met_when": _(
            "Et gyldig samtykke omfatter hver deltakende enhet og ekstern samarbeidspart."
        ),
        "blind_spots": _(
            "Samtykke som bare finnes på papir, og deling på annet rettslig grunnlag enn "
            "samtykke, ses ikke."
        ),
    },
    "coordinator_named_14_days": {
        "definition": _(
            "Når koordinatoransvaret er lagt til en enhet, skal enhetens leder oppnevne en "
            "koordinator. Fristen på 14 dager er kommunens egen rutine (Nes), ikke en frist "
            "i loven."
        ),
        "population": _("Koordinatoroppdrag som ble tildelt eller tilbudt i perioden."),
        "met_when": _("Koordinator er oppnevnt innen 14 dager etter at ansvaret ble tildelt."),
        "blind_spots": _(
            "Oppdrag der fristen ennå ikke er ute, telles ikke. Hvorfor en oppnevning ble "
            "forsinket, ses ikke."
        ),
    },
    "coordinator_trained": {
        "definition": _(
            "Koordinerende enhet har ansvar for opplæring og veiledning av koordinatorene."
        ),
        "population": _("Ansatte som i dag er koordinator for minst én person."),
        "met_when": _("Det er registrert en dato for koordinatoropplæring."),
        "blind_spots": _(
            "Innholdet i opplæringen, veiledningen underveis og hvor lenge siden opplæringen "
            "var, vurderes ikke."
        ),
    },
    "preliminary_answer": {
        "definition": _(
            "Kan en søknad ikke besvares innen en måned etter at den kom inn, skal søkeren "
            "snarest få et foreløpig svar med grunnen og når svar kan ventes."
        ),
        "population": _(
            "Søknader mottatt i perioden. Saker avgjort innen en måned, og saker der "
            "fristen ikke er ute, er ikke aktuelle."
        ),
        "met_when": _("Foreløpig svar er registrert sendt innen fristen."),
        "blind_spots": _(
            "Henvendelser som ikke er registrert som søknad i Helhet, ses ikke. Om det "
            "foreløpige svaret sier hvorfor og når, kontrolleres når svaret registreres, "
            "ikke her."
        ),
    },
    "decision_reasons_appeal": {
        "definition": _(
            "Et enkeltvedtak skal grunngis, og parten skal underrettes skriftlig om vedtaket "
            "med klageadgang, klagefrist, klageinstans og framgangsmåte."
        ),
        "population": _("Vedtak fattet i perioden."),
        "met_when": _(
            "Et avslag har begrunnelse, og vedtaksbrevet med begrunnelse og "
            "klageopplysninger er registrert sendt."
        ),
        "blind_spots": _(
            "Om begrunnelsen er god nok, vurderes ikke. Brev som ennå ikke er sendt en uke "
            "etter vedtaket, telles ikke som mangel."
        ),
    },
    "decision_started": {
        "definition": _(
            "En innvilget tjeneste skal ytes slik vedtaket sier; den utførende enheten "
            "bekrefter at tjenesten har startet."
        ),
        "population": _("Innvilgede vedtak fattet i perioden."),
        "met_when": _("Den utførende enheten har bekreftet oppstart."),
        "blind_spots": _(
            "At tjenesten faktisk ytes med det omfanget vedtaket sier, ses ikke; bare "
            "bekreftelsen av oppstart. Vedtak der oppstarten ikke skulle ha skjedd ennå, "
            "telles ikke."
        ),
    },
    "service_on_decision": {
        "definition": _(
            "Helse- og omsorgstjenester som etter sin art krever vedtak og forventes å vare "
            "mer enn to uker, skal bygge på enkeltvedtak."
        ),
        "population": _("Tjenester som var gyldige i perioden."),
        "met_when": _("Tjenesten er registrert med grunnlaget enkeltvedtak."),
        "blind_spots": _(
            "Om tjenesten forventes å vare mer enn to uker, leses av registrerte datoer; en "
            "tjeneste uten sluttdato regnes som varig. Vedtak fattet i et annet fagsystem "
            "ses bare om vedtaksreferansen er registrert."
        ),
    },
    "nav_guidance_informed": {
        "definition": _(
            "NAV-kontoret skal gi opplysning, råd og veiledning. Den som søker økonomisk "
            "stønad, skal informeres om og oppfordres til å søke tjenesten, og hva søkeren "
            "ønsket skal registreres (Innlandet)."
        ),
        "population": _("Vedtak om økonomisk stønad fra NAV-kontoret, fattet i perioden."),
        "met_when": _(
            "Det er registrert at søkeren er informert om tjenesten, og hva søkeren ønsket."
        ),
        "blind_spots": _(
            "Veiledning som er gitt uten å bli registrert, ses ikke. Om det burde vært fattet "
            "vedtak om opplysning, råd og veiledning, vurderes ikke her."
        ),
    },
    "nav_activity_condition": {
        "definition": _(
            "Den som får økonomisk stønad og er under 30 år, skal få vilkår om aktivitet, "
            "med mindre tungtveiende grunner taler mot det."
        ),
        "population": _(
            "Innvilgede vedtak om økonomisk stønad i perioden til personer under 30 år."
        ),
        "met_when": _(
            "Vedtaket har vilkår om aktivitet, eller de tungtveiende grunnene mot det er "
            "dokumentert."
        ),
        "blind_spots": _(
            "Om vilkåret er hensiktsmessig og forholdsmessig for personen, vurderes ikke."
        ),
    },
    "nav_kvp_assessed": {
        "definition": _(
            "Den som fyller vilkårene for kvalifiseringsprogrammet, har rett til det. Før "
            "stønad med aktivitetsvilkår innvilges, skal retten vurderes."
        ),
        "population": _(
            "Innvilgede vedtak om økonomisk stønad med aktivitetsvilkår i perioden til "
            "personer over 18 år."
        ),
        "met_when": _(
            "Det er vurdert at personen ikke fyller vilkårene, eller personen fyller dem og "
            "er vurdert for programmet senest samme dag som vedtaket."
        ),
        "blind_spots": _("Om vurderingen av vilkårene er riktig, vurderes ikke."),
    },
    "nav_child_heard": {
        "definition": _(
            "En 17-åring som omfattes av en søknad, skal få si sin mening før vedtaket "
            "fattes, og barnets beste skal vurderes."
        ),
        "population": _(
            "Vedtak om økonomisk stønad fattet i perioden der søknaden omfatter en 17-åring."
        ),
        "met_when": _(
            "Det er registrert at 17-åringen er hørt før vedtaket, og at barnets beste er vurdert."
        ),
        "blind_spots": _(
            "Hvordan 17-åringen ble hørt, og hvilken vekt synspunktene fikk, ses ikke."
        ),
    },
    "cooperation_routine": {
        "definition": _(
            "Enheter som gir tjenester til de samme personene, skal ha skriftlige rutiner "
            "for samarbeidet."
        ),
        "population": _("Par av kommunens enheter som i dag har felles personer."),
        "met_when": _("Det finnes en samarbeidsrutine der begge enhetene er parter."),
        "blind_spots": _(
            "Om rutinen er kjent og følges, ses ikke. Samarbeidsavtalen med helseforetaket "
            "måles ikke her."
        ),
    },
    "directory_verified": {
        "definition": _(
            "Kontaktinformasjonen om tjenestene skal være synlig og oppdatert, så ansatte og "
            "innbyggere vet hvem de skal kontakte (Selbu)."
        ),
        "population": _(
            "Kommunens enheter og eksterne samarbeidsparter med oppføring i tjenesteoversikten."
        ),
        "met_when": _("Oppføringen er bekreftet av eieren de siste 12 månedene."),
        "blind_spots": _(
            "At opplysningene faktisk er riktige, ses ikke; bare at noen har bekreftet dem."
        ),
    },
    "group_meetings_minutes": {
        "definition": _("Ansvarsgruppen møtes så ofte som avtalt, og møtene har referat."),
        "population": _("Ansvarsgrupper som fantes i perioden og hadde møter som forfalt."),
        "met_when": _(
            "Ingen avtalte møter er uteblitt (med en ukes slingringsmonn), og alle møter "
            "holdt i perioden har referat."
        ),
        "blind_spots": _(
            "Hva som ble avtalt og fulgt opp på møtene, vurderes ikke. Møter som ikke er "
            "registrert i Helhet, ses ikke."
        ),
    },
    "deviations_in_time": {
        "definition": _(
            "Avvik skal behandles og lukkes med læringspunkt innen fristen: 7, 14 eller 30 "
            "dager etter alvorlighet."
        ),
        "population": _(
            "Avvik meldt i perioden. Åpne avvik der fristen ikke er ute, er ikke aktuelle."
        ),
        "met_when": _("Avviket er lukket innen fristen."),
        "blind_spots": _(
            "Avvik som aldri blir meldt, ses ikke: en høy andel kan også bety at lite blir "
            "meldt. Om tiltakene virket, vurderes ikke."
        ),
    },
    "needs_mapping": {
        "definition": _(
            "Behovene til personer med individuell plan skal være kartlagt (§ 19 a), og "
            "kartleggingen skal være fornyet det siste året."
        ),
        "population": _(
            "Personer med aktiv individuell plan. Personer med tjenester uten plan er ikke "
            "aktuelle."
        ),
        "met_when": _("Siste kartlegging er høyst ett år gammel."),
        "blind_spots": _(
            "Kartlegging gjort utenfor Helhet, for eksempel i journalen eller BrukerPlan, "
            "ses ikke. Kvaliteten på kartleggingen vurderes ikke."
        ),
    },
}

FIELDS = ("definition", "population", "met_when", "blind_spots")
