"""seve's French templates, one per message it knows how to write.

Placeholders are French words: the people who adapt these texts are SIAE staff.
Each template's ``sample`` names its placeholders and gives the values of its
preview (``seve messages preview NAME``).
"""

from __future__ import annotations

from typing import Final

from ..audience import Audience
from ..model import MessagePurpose
from ._render import Template, Templates

__all__ = [
    "CONVENTION_RENEWAL",
    "CONVENTION_SIGNATURE",
    "DEFAULT_TEMPLATES",
    "FLASH_INFO_INVITATION",
    "OFFER_BROADCAST",
    "PMSMP_SALARIE",
    "PMSMP_TUTOR",
    "SUCCESS_STORY",
    "SUIVI_CHECKIN",
]

_SIAE: Final = {
    "structure": "Les Jardins du Val",
    "contact": "Karim Haddad",
    "telephone": "02 99 00 00 00",
}

OFFER_BROADCAST: Final = Template(
    name="offre.diffusion",
    audience=Audience.SALARIE,
    purpose=MessagePurpose.OFFRES,
    description="une offre captée, à chaque salarié·e dont elle rejoint le projet",
    subject="Offre d'emploi : {offre} à {lieu}",
    text="""\
Bonjour {prenom},

{employeur} recrute : {offre}, en {contrat}, {heures}, à {lieu}.
Cette offre rejoint votre projet :
{raisons:liste}

Elle est ouverte jusqu'au {jusqu_au}. Si elle vous intéresse, parlez-en à {contact} \
({telephone}) : c'est vous qui décidez.

{structure}""",
    short=(
        "{prenom}, offre {offre} en {contrat} chez {employeur} à {lieu}, jusqu'au {jusqu_au}. "
        "Intéressé·e ? Appelez {contact} au {telephone}. {structure}"
    ),
    sample={
        "prenom": "Leïla",
        "offre": "Préparateur·rice de commandes",
        "employeur": "Transports Leroux",
        "contrat": "CDI",
        "heures": "35 h par semaine",
        "lieu": "Rennes (35200)",
        "jusqu_au": "samedi 31 mai 2025",
        "raisons": [
            "métier visé : Préparateur·rice de commandes (N1103)",
            "35 h par semaine, dans les horaires souhaités",
            "lieu dans la zone de mobilité : Rennes (35200)",
        ],
        **_SIAE,
    },
)

PMSMP_SALARIE: Final = Template(
    name="pmsmp.rappel_salarie",
    audience=Audience.SALARIE,
    purpose=MessagePurpose.RAPPELS,
    description="la veille d'une PMSMP, à la personne qui la fait",
    subject="Rappel : votre PMSMP chez {entreprise} commence le {premier_jour}",
    text="""\
Bonjour {prenom},

Votre période de mise en situation en milieu professionnel (PMSMP) chez {entreprise} commence \
le {premier_jour} ({horaires}) et se termine le {fin}.
Lieu : {lieu}
Votre tuteur·rice : {tuteur}

Pensez à apporter :
{a_apporter:liste}

Un empêchement, une question ? Appelez {contact} au {telephone}.
Bonne immersion !
{structure}""",
    short=(
        "{prenom}, votre PMSMP chez {entreprise} commence le {premier_jour} ({horaires}), "
        "{lieu}. Tuteur·rice : {tuteur}. Un souci ? {contact} : {telephone}."
    ),
    sample={
        "prenom": "Leïla",
        "entreprise": "Boulangerie Martin",
        "premier_jour": "lundi 3 mars 2025",
        "horaires": "08:30-12:00, 13:00-16:30",
        "fin": "vendredi 14 mars 2025",
        "lieu": "Boulangerie Martin, Rennes (35000)",
        "tuteur": "Sophie Martin",
        "a_apporter": ["une pièce d'identité", "une tenue de travail confortable"],
        **_SIAE,
    },
)

PMSMP_TUTOR: Final = Template(
    name="pmsmp.rappel_tuteur",
    audience=Audience.EMPLOYER,
    purpose=MessagePurpose.RAPPELS,
    description="la veille d'une PMSMP, au tuteur ou à la tutrice de la structure d'accueil",
    subject="PMSMP : {prenom} arrive le {premier_jour}",
    text="""\
Bonjour {tuteur},

{prenom} commence sa période de mise en situation en milieu professionnel (PMSMP) chez \
{entreprise} le {premier_jour}, jusqu'au {fin}.
Objectif : {objectif}

Jours et horaires de présence :
{jours:liste}

Activités prévues :
{taches:liste}

Merci de votre accueil. Une question, un empêchement ? {contact} ({structure}) est joignable au \
{telephone}.""",
    sample={
        "tuteur": "Sophie Martin",
        "prenom": "Leïla",
        "entreprise": "Boulangerie Martin",
        "premier_jour": "lundi 3 mars 2025",
        "fin": "vendredi 14 mars 2025",
        "objectif": "Découvrir un métier ou un secteur d'activité",
        "jours": [
            "lundi 3 mars 2025 : 08:30-12:00, 13:00-16:30",
            "mardi 4 mars 2025 : 08:30-12:00, 13:00-16:30",
        ],
        "taches": ["Mise en rayon", "Accueil des clients"],
        **_SIAE,
    },
)

CONVENTION_SIGNATURE: Final = Template(
    name="convention.signature",
    audience=Audience.EMPLOYER,
    purpose=MessagePurpose.CONVENTIONS,
    description="une convention de partenariat rédigée, à l'entreprise qui doit la signer",
    subject="Convention de partenariat {convention} : votre signature",
    text="""\
Bonjour {interlocuteur},

La convention de partenariat {convention} entre {entreprise} et {structure}, {periode}, attend \
votre signature.

Ce que nous avons convenu ensemble :
{engagements:liste}

{contact} se tient à votre disposition au {telephone} pour la relire avec vous.""",
    sample={
        "interlocuteur": "Paul Leroux",
        "entreprise": "Transports Leroux",
        "convention": "CP-2025-01",
        "periode": "du 1er avril 2025 au 31 mars 2026",
        "engagements": [
            "Transports Leroux accueille 10 PMSMP dans l'année",
            (
                "Transports Leroux étudie les candidatures de salarié·es de la structure "
                "quand un besoin de recrutement correspond"
            ),
            "Les Jardins du Val propose des personnes ayant au moins le profil demandé",
        ],
        **_SIAE,
    },
)

CONVENTION_RENEWAL: Final = Template(
    name="convention.renouvellement",
    audience=Audience.EMPLOYER,
    purpose=MessagePurpose.CONVENTIONS,
    description="une convention de partenariat qui arrive à échéance, à l'entreprise",
    subject="Convention de partenariat {convention} : renouvellement avant le {echeance}",
    text="""\
Bonjour {interlocuteur},

La convention de partenariat {convention} entre {entreprise} et {structure} arrive à échéance \
le {echeance}.

Où nous en sommes :
{bilan:liste}

Nous serions heureux de la renouveler avec vous : {contact} vous appellera prochainement, ou \
joignez-le·la au {telephone}.""",
    sample={
        "interlocuteur": "Paul Leroux",
        "entreprise": "Transports Leroux",
        "convention": "CP-2025-01",
        "echeance": "mardi 31 mars 2026",
        "bilan": ["PMSMP : 7 réalisées sur 10 prévues", "Embauches : 2"],
        **_SIAE,
    },
)

SUIVI_CHECKIN: Final = Template(
    name="suivi.prise_de_nouvelles",
    audience=Audience.SALARIE,
    purpose=MessagePurpose.SUIVI,
    description="1, 3, 6 et 12 mois après la sortie : des nouvelles, et une porte ouverte",
    subject="{structure} : comment se passe votre emploi ?",
    text="""\
Bonjour {prenom},

Cela fait {mois} mois que vous avez quitté {structure}. Comment se passe votre emploi ?

Une difficulté au travail, une question sur votre contrat, une envie d'en parler ? {contact} \
est là pour vous au {telephone}, même après votre départ.

{structure}""",
    short=(
        "Bonjour {prenom}, {mois} mois déjà ! Comment se passe votre emploi ? "
        "{contact} ({structure}) reste joignable au {telephone}."
    ),
    sample={"prenom": "Leïla", "mois": 3, **_SIAE},
)

SUCCESS_STORY: Final = Template(
    name="valorisation.belle_histoire",
    audience=Audience.PRESCRIPTEUR,
    purpose=MessagePurpose.VALORISATION,
    description="une belle histoire, au prescripteur, avec l'accord de la personne",
    subject="Une belle histoire : {titre}",
    text="""\
Bonjour {destinataire},

Avec l'accord de {personne}, {structure} partage avec {organisme} une belle histoire : « \
{titre} » ({date}).

{contact} vous la racontera volontiers au {telephone}, et répondra à vos questions sur les \
personnes que vous pourriez nous orienter.""",
    sample={
        "destinataire": "Claire Durand",
        "organisme": "France Travail Rennes Nord",
        "personne": "Leïla Benali",
        "titre": "De la cuisine du chantier à un CDI en logistique",
        "date": "mardi 10 juin 2025",
        **_SIAE,
    },
)

FLASH_INFO_INVITATION: Final = Template(
    name="flash_info.invitation",
    audience=Audience.SALARIE,
    purpose=MessagePurpose.INVITATIONS,
    description="un Flash Info à venir, aux salarié·es invité·es",
    subject="Flash Info le {date} à {heure}",
    text="""\
Bonjour {prenom},

Vous êtes invité·e au prochain Flash Info, le {date} à {heure}, {lieu}, avec {anime_par}.

Au programme :
{sujets:liste}

Un temps court pour parler emploi et entreprises : venez avec vos questions !
{structure}""",
    short="{prenom}, Flash Info le {date} à {heure} ({lieu}) : {sujets}. {structure}",
    sample={
        "prenom": "Leïla",
        "date": "jeudi 6 mars 2025",
        "heure": "14:00",
        "lieu": "salle de pause du chantier",
        "sujets": ["les métiers de la logistique", "le job dating du 20 mars"],
        "anime_par": "Karim Haddad",
        **_SIAE,
    },
)

#: Every template of seve, by name; override them with :meth:`Templates.override`
#: or :func:`~seve.messaging.load_templates`.
DEFAULT_TEMPLATES: Final = Templates.of(
    (
        OFFER_BROADCAST,
        PMSMP_SALARIE,
        PMSMP_TUTOR,
        CONVENTION_SIGNATURE,
        CONVENTION_RENEWAL,
        SUIVI_CHECKIN,
        SUCCESS_STORY,
        FLASH_INFO_INVITATION,
    )
)
