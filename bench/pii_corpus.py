"""A labelled benchmark corpus from a source the detector never learned from.

Values come from Faker (many locales; our name lists and patterns were written without
it), embedded in 311-style sentences written for this corpus in English and French.
Negatives are sentences about places and things named after people (streets, parks,
bridges, schools) and values shaped like identifiers that fail their validation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

from anonymization.kinds import PiiKind

# Latin-script locales: residents of a Canadian or US city write names this way.
NAME_LOCALES = (
    "en_US", "en_CA", "en_GB", "en_IE", "en_AU", "en_IN", "en_NZ", "en_PH", "fr_FR", "fr_CA",
    "fr_CH", "fr_BE", "es_ES", "es_MX", "es_CO", "pt_BR", "pt_PT", "it_IT", "de_DE", "de_AT",
    "nl_NL", "pl_PL", "cs_CZ", "hu_HU", "ro_RO", "sv_SE", "da_DK", "no_NO", "fi_FI", "tr_TR",
    "vi_VN", "id_ID", "fil_PH", "yo_NG", "zu_ZA", "sw", "et_EE", "lt_LT", "hr_HR", "sk_SK",
)

NAME_TEMPLATES_EN = (
    "Resident {name} called about a pothole on Bank Street near the school.",
    "{name} reported that the streetlight on St. Laurent Boulevard has been out for a week.",
    "Spoke with {name}, who says the garbage was not picked up again.",
    "Please call back {name} about the noise complaint from last night.",
    "The caller, {name}, wants an update on the sewer backup near Patrick Street.",
    "Complaint filed by {name} regarding snow clearing on Laurier Avenue.",
    "{name} says the recycling bin was damaged by the truck.",
    "Follow up with {name} once the crew has inspected the fallen tree.",
    "Email from {name}: the playground swings on Queen Elizabeth Drive are broken.",
    "Graffiti reported by {name} on the wall behind the library.",
    "{name} (tenant) reports water leaking from the ceiling since Monday.",
    "Neighbour {name} complained about a car parked on the sidewalk for days.",
    "Inspector met {name} on site; the hydrant is leaking.",
    "Request submitted on behalf of {name}, who cannot use the online form.",
    "{name} asked whether the city will trim the maple tree in front of the house.",
    "Crew lead: left a voicemail for {name} about the missed collection.",
    "Thanks to {name} for reporting the broken traffic signal at Bronson.",
    "Per {name}, the dead raccoon is still on the lawn near Dow's Lake.",
    "{name} would like a callback regarding the abandoned bicycle.",
    "Ticket reassigned after {name} said the sidewalk on Rideau Street is uneven.",
    "Owner {name} disputes the bylaw notice for tall grass.",
    "Landlord {name} requests an inspection of the shared driveway.",
    "Caller identified as {name} reported illegal dumping behind the arena.",
    "Contact {name} before the crew arrives to dig up the lawn.",
)
NAME_TEMPLATES_FR = (
    "{name} a appelé au sujet d'un nid-de-poule sur la rue Saint-Denis.",
    "Le résident {name} signale un lampadaire brisé devant l'école.",
    "Plainte de {name} concernant le déneigement du boulevard René-Lévesque.",
    "Veuillez rappeler {name} au sujet de la collecte manquée.",
    "Selon {name}, le bac de recyclage a été endommagé par le camion.",
    "{name} demande l'élagage de l'arbre devant sa maison.",
    "Appel de {name} : fuite d'eau sur la chaussée depuis ce matin.",
    "La citoyenne {name} se plaint du bruit venant du chantier la nuit.",
    "Courriel reçu de {name} au sujet des graffitis sur le mur du parc.",
    "{name} signale une voiture abandonnée depuis deux semaines.",
    "Le locataire {name} rapporte des infiltrations d'eau au sous-sol.",
    "Suivi à faire avec {name} après l'inspection de la borne-fontaine.",
    "{name} voudrait savoir quand la piste cyclable sera déneigée.",
    "Demande déposée au nom de {name}, qui n'a pas accès au formulaire.",
    "Message laissé à {name} concernant le conteneur à déchets.",
    "La plaignante, {name}, dit que le trottoir de la rue Sherbrooke est fissuré.",
    "{name} a vu quelqu'un jeter des ordures derrière l'aréna.",
    "Merci à {name} d'avoir signalé le feu de circulation en panne.",
    "Le propriétaire {name} conteste l'avis d'infraction pour herbe haute.",
    "Communiquer avec {name} avant l'arrivée de l'équipe.",
)
# Written after the recognizers were tuned on the templates above, and never used to tune
# them: recall on these is the figure to quote.
HELD_OUT_TEMPLATES_EN = (
    "Hydrant flushing notice was not received by {name}, who lives on the corner.",
    "Our agent transferred {name} to the forestry team.",
    "{name} is upset that the snowplow blocked the driveway again.",
    "According to {name}, the bus shelter glass was shattered overnight.",
    "Voicemail from {name} asking when the compost bins will be delivered.",
    "Customer {name} wants the parking ticket reviewed.",
    "I spoke to {name} this morning; the leak is coming from the meter.",
    "Signed petition submitted by {name} and twelve neighbours.",
    "{name} dropped off photos of the sinkhole at the counter.",
    "Waiting on {name} to confirm access to the backyard.",
)
HELD_OUT_TEMPLATES_FR = (
    "{name} est mécontente que la déneigeuse ait bloqué son entrée.",
    "L'agent a transféré {name} à l'équipe de foresterie.",
    "D'après {name}, la vitre de l'abribus a été fracassée cette nuit.",
    "Message vocal de {name} demandant la livraison des bacs de compost.",
    "J'ai parlé avec {name} ce matin; la fuite vient du compteur.",
    "{name} a déposé des photos du trou au comptoir.",
    "En attente de la confirmation de {name} pour accéder à la cour.",
    "Pétition signée remise par {name} et douze voisins.",
    "Madame {name} veut faire réviser sa contravention.",
    "{name} trouve que le lampadaire clignote toute la nuit.",
)

# No person in these: streets, parks and buildings named after people, and other capitals.
NEGATIVE_SENTENCES = (
    "Pothole on St. Laurent Boulevard near the Rideau Centre entrance.",
    "Streetlight out on Patrick Street between King and Queen.",
    "Nid-de-poule profond sur la rue Saint-Denis près du métro Mont-Royal.",
    "Snow not cleared on Sir John A. Macdonald Parkway this morning.",
    "Déneigement incomplet sur le boulevard René-Lévesque Ouest.",
    "Graffiti on the Jacques Cartier Bridge railing.",
    "Broken bench at Parc Jean-Drapeau near the pavilion.",
    "Fallen branches at Vincent Massey Park after the storm.",
    "Water leak on Laurier Avenue West in front of the bank.",
    "Traffic signal stuck on red at Bronson Avenue and Carling Avenue.",
    "Les balançoires du parc Maisonneuve sont brisées.",
    "Bruit de construction près de l'hôpital Maisonneuve-Rosemont la nuit.",
    "Garbage not collected on Queen Elizabeth Drive this week.",
    "Sidewalk cracked on Wellington Street in front of the library.",
    "Odeur d'égout sur la rue Sainte-Catherine Est.",
    "Bus shelter glass broken at Terry Fox Drive.",
    "Tree trimming needed on Bank Street near Lansdowne Park.",
    "Illegal dumping behind the Billings Bridge Shopping Centre.",
    "Stationnement illégal sur l'avenue Papineau près de l'école Marguerite-Bourgeoys.",
    "Playground repair at Lady Grey Park requested by the school board.",
    "Flooding at the corner of Pierre Street and Main Street.",
    "Lampadaire éteint sur le chemin de la Côte-des-Neiges.",
    "Dead animal on Hunt Club Road near the Nepean Sportsplex.",
    "Crack in the pavement on Innes Road near Blackburn Hamlet.",
    "Recycling bins missing on Monday in Old Ottawa South.",
    "Request from Hydro Ottawa to trim trees near power lines on Riverside Drive.",
    "Canada Post asked the city to clear the sidewalk on Elgin Street.",
    "La Société de transport demande le déneigement de l'arrêt Jean-Talon.",
    "Potholes reported on Highway 417 near the Vanier Parkway exit.",
    "The Glebe Community Association asked about the Lansdowne lights.",
    "Snow pile blocking the entrance of Sainte-Justine hospital parking.",
    "Fontaine brisée au parc La Fontaine, près du chalet.",
    "Leaking hydrant at George Street and Dalhousie Street.",
    "Streetlights flickering on Charlotte Street near Strathcona Park.",
    "Les nids-de-poule de l'avenue du Mont-Royal sont dangereux.",
    "Broken curb at Montreal Road and St. Laurent Boulevard intersection.",
    "Grass too long at Mooney's Bay beach on Riverside Drive.",
    "Noise from the Shenkman Arts Centre loading dock after midnight.",
    "Abandoned car on Prince of Wales Drive since Friday.",
    "Signal timing at King Edward Avenue and Rideau Street is too short.",
)

GENERIC_EN = (
    "Resident wrote {v} on the form; please remove it before sharing.",
    "Caller left {v} in the comments of the pothole report.",
    "Details given: {v}. Crew to follow up next week.",
    "Note from the front desk: {v} was provided at the counter.",
)
GENERIC_FR = (
    "La résidente a inscrit {v} sur le formulaire; à retirer avant le partage.",
    "Commentaire laissé dans la demande : {v}. Suivi la semaine prochaine.",
    "Renseignement fourni au comptoir : {v}.",
)
CONTEXT_WORDS = {
    PiiKind.US_SSN: ("SSN", "SSN"), PiiKind.PAYMENT_CARD: ("card number", "numéro de carte"),
    PiiKind.IBAN: ("IBAN", "IBAN"), PiiKind.PHONE: ("phone", "téléphone"),
    PiiKind.EMAIL: ("email", "courriel"), PiiKind.IP_ADDRESS: ("IP address", "adresse IP"),
    PiiKind.STREET_ADDRESS: ("address", "adresse"), PiiKind.LICENCE_PLATE: ("plate", "plaque"),
    PiiKind.DATE_OF_BIRTH: ("born on", "née le"), PiiKind.POSTAL_CODE: ("postal code",
                                                                         "code postal"),
    PiiKind.CA_SIN: ("SIN", "NAS"),
}


@dataclass(frozen=True)
class Example:
    text: str
    kind: PiiKind | None  # None: a negative, nothing personal in it
    value: str  # the planted value ("" for negatives)
    source: str  # Faker locale or "negative"


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def name_examples(seed: int = 2026, per_template: int = 12, *,
                  held_out: bool = False) -> list[Example]:
    """Person names from Faker's locales in English and French 311 sentences (the
    held-out templates if `held_out`)."""
    rng = random.Random(seed)
    fakers = [_faker(locale, seed + i) for i, locale in enumerate(NAME_LOCALES)]
    english, french_templates = ((HELD_OUT_TEMPLATES_EN, HELD_OUT_TEMPLATES_FR) if held_out
                                 else (NAME_TEMPLATES_EN, NAME_TEMPLATES_FR))
    out = []
    for template in english + french_templates:
        french = template in french_templates
        for _ in range(per_template):
            fake = rng.choice(fakers)
            roll = rng.random()
            if roll < 0.75:
                name = f"{fake.first_name()} {fake.last_name()}"
            elif roll < 0.9:
                title = rng.choice(("Mme", "M.")) if french else rng.choice(("Mr.", "Ms.", "Mrs."))
                name = f"{title} {fake.last_name()}"
            else:
                name = f"{fake.first_name()} {fake.first_name()} {fake.last_name()}"
            text = template.format(name=name)
            out.append(Example(text, PiiKind.PERSON_NAME, name.split(" ", 1)[1]
                               if name.startswith(("Mme ", "M. ", "Mr. ", "Ms. ", "Mrs. "))
                               else name, str(fake.locales[0]) if hasattr(fake, "locales")
                               else "faker"))
    return out


def _sin(rng: random.Random) -> str:
    from anonymization.recognizers.base import luhn_valid

    while True:
        digits = str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + "".join(
            str(rng.randrange(10)) for _ in range(8))
        if luhn_valid(digits):
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def identifier_examples(seed: int = 2026, per_kind: int = 120) -> list[Example]:
    """Faker's identifiers in generic 311 sentences, half of them with a context word."""
    rng = random.Random(seed)
    us, ca, fr, gb, de = (_faker(loc, seed) for loc in ("en_US", "en_CA", "fr_FR", "en_GB",
                                                        "de_DE"))
    fr_ca = _faker("fr_CA", seed)
    makers = {
        PiiKind.US_SSN: lambda: us.ssn(),
        PiiKind.CA_SIN: lambda: _sin(rng),
        PiiKind.PAYMENT_CARD: lambda: us.credit_card_number(),
        PiiKind.IBAN: lambda: rng.choice((gb, fr, de)).iban(),
        PiiKind.PHONE: lambda: rng.choice((us, ca, fr, gb, de, fr_ca)).phone_number(),
        PiiKind.EMAIL: lambda: rng.choice((us, fr, de)).email(),
        PiiKind.IP_ADDRESS: lambda: rng.choice((us.ipv4, us.ipv4_public, us.ipv6))(),
        PiiKind.STREET_ADDRESS: lambda: rng.choice((us, ca, fr_ca)).street_address(),
        PiiKind.LICENCE_PLATE: lambda: ca.license_plate(),
        PiiKind.DATE_OF_BIRTH: lambda: us.date_of_birth(minimum_age=5, maximum_age=95)
        .isoformat(),
        PiiKind.POSTAL_CODE: lambda: ca.postcode(),
    }
    out = []
    for kind, make in makers.items():
        for i in range(per_kind):
            value = make().replace("\n", " ")
            french = i % 2 == 1
            needs_words = kind in (PiiKind.LICENCE_PLATE, PiiKind.DATE_OF_BIRTH)
            if kind is PiiKind.DATE_OF_BIRTH:
                text = (f"Appelante née le {value}, demande le programme pour aînés." if french
                        else f"Caller born on {value} asked about the seniors' program.")
            elif i % 4 < 2 or needs_words:
                word = CONTEXT_WORDS[kind][french]
                text = (f"{word} {value} — donné au comptoir." if french
                        else f"The {word} {value} was given at the counter.")
            else:
                text = rng.choice(GENERIC_FR if french else GENERIC_EN).format(v=value)
            out.append(Example(text, kind, value, "faker"))
    return out


def negative_examples(seed: int = 2026, n_lookalikes: int = 300) -> list[Example]:
    """Sentences with nothing personal: places named after people, and numbers shaped like
    identifiers that fail validation."""
    rng = random.Random(seed)
    out = [Example(text, None, "", "negative") for text in NEGATIVE_SENTENCES]

    def digits(n: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(n))

    from anonymization.recognizers.base import luhn_valid
    from anonymization.recognizers.numbers import card_scheme

    shapes = []
    for _ in range(n_lookalikes):
        choice = rng.randrange(8)
        if choice == 0:  # SSN layout in a range never issued
            shapes.append(f"{rng.choice(['000', '666', '9' + digits(2)])}-{digits(2)}-{digits(4)}")
        elif choice == 1:  # card layout failing Luhn
            while True:
                number = "4" + digits(15)
                if not luhn_valid(number) and card_scheme(number) is None:
                    break
            shapes.append(" ".join(number[i:i + 4] for i in range(0, 16, 4)))
        elif choice == 2:  # an order number
            shapes.append(f"order {digits(9)}")
        elif choice == 3:  # an event date, no birth words
            shapes.append(f"on {rng.randrange(2015, 2026)}-{rng.randrange(1, 13):02d}-"
                          f"{rng.randrange(1, 29):02d}")
        elif choice == 4:  # a version number
            shapes.append(f"version {rng.randrange(1, 9)}.{rng.randrange(20)}.{rng.randrange(20)}")
        elif choice == 5:  # an amount and a quantity
            amount = f"${rng.randrange(10, 9999)}.{digits(2)}"
            shapes.append(f"{amount} for {rng.randrange(2, 90)} units")
        elif choice == 6:  # a time range
            shapes.append(f"from {rng.randrange(7, 12)}:{digits(1)}0 to {rng.randrange(1, 6)}:30")
        else:  # a work-order code
            shapes.append(f"WO-{digits(6)}-{rng.choice('ABCDEFGH')}")
    for shape in shapes:
        text = rng.choice(("Crew note: {v} logged in the system.", "Référence {v} au dossier.",
                           "Ticket updated {v} by dispatch.")).format(v=shape)
        out.append(Example(text, None, "", "negative"))
    return out
