"""Words that say little about who a party is: legal forms, generic trade words, places."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pycountry
from anyascii import anyascii

# Legal forms after normalisation (lower case, full stops dropped, other punctuation a space):
# "S.A." -> "sa", "Sp. z o.o." -> "sp z oo", "A/S" -> "a s", "Co., Ltd." -> "co ltd".
_LEGAL_FORMS = """
ltd; limited; ltda; llc; l l c; llp; lp; plc; inc; incorporated; corp; corporation; co; company;
cos; pte; pty; pvt; pte ltd; pvt ltd; pty ltd; co ltd; private limited;
public limited company; limited liability company; limited liability partnership; sdn bhd; bhd;
berhad; sendirian berhad; tbk; pt; cv; gmbh; mbh; ag; kg; ohg; ug; gbr; ev; e v; gmbh co kg;
aktiengesellschaft; gesellschaft mit beschrankter haftung; bv; nv; vof; sa; s a; sas; sarl;
sarlu; eurl; sci; snc; srl; s r l; spa; s p a; sapa; scarl; sl; slu; sau; sa de cv; sab de cv;
sociedad anonima; societe anonyme; societe a responsabilite limitee; se; ab; as; a s; asa; oy;
oyj; aps; a p s; hf; ehf; kk; yk; gk; kabushiki kaisha; kabushiki gaisha; yugen kaisha;
godo kaisha; zhushihuishe; jusighoesa; jsc; pjsc; ojsc; cjsc; ooo; oao; zao; pao; ao; nao; tov;
pat; prat; too; odo; uab; sia; ad; ead; ood; eood; doo; d o o; dd; d d; zrt; nyrt; kft; bt; rt;
sro; s r o; spol s r o; sp z oo; sp zoo; sa; ae; a e; epe; ike; oe; ee; aktsionernoe obshchestvo;
aktsionernoye obshchestvo; obshchestvo s ogranichennoy otvetstvennostyu;
obshchestvo s ogranichennoi otvetstvennostiu; zakrytoe aktsionernoe obshchestvo;
otkrytoe aktsionernoe obshchestvo; publichnoe aktsionernoe obshchestvo; joint stock company;
closed joint stock company; open joint stock company; public joint stock company;
anonim sirketi; as; ltd sti; private joint stock company; sahami khas; shmy khs;
limited sirketi; sti; fze; fzco; fzc; fz llc; fz co; dmcc; wll;
w l l; spc; saog; saoc; psc; pjs; qpsc; bsc; sherkat; shirkat; sharikat; sharika; sharikah;
shrkh; shrkt; sherkate; sherkat e; youxiangongsi; youxian gongsi; gufenyouxiangongsi;
gufen youxian gongsi; youxianzerengongsi; youxian zeren gongsi; gongsi
"""

LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(form.split()) for form in _LEGAL_FORMS.replace("\n", " ").split(";") if form.strip()
)
LONGEST_LEGAL_FORM = max(len(form) for form in LEGAL_FORMS)
# Beginnings (2+ letters) of legal-form words: what is left of one cut at a field limit.
LEGAL_FORM_BEGINNINGS: frozenset[str] = frozenset(
    word[:end] for form in LEGAL_FORMS for word in form for end in range(2, len(word))
)

# Generic words, with their spelling in other languages folded onto one canonical word so that
# "Tekhnologii" and "Technologies" count as the same (weak) evidence.
_GENERIC = {
    "technology": "technology technologies tech tek technik technologie technologien tecnologia "
    "tecnologias technologique technologiques tekhnologii tekhnologiya tekhnologiy teknoloji "
    "fanavari fnwry keji jishu",
    "electronics": "electronics electronic electronique electronica elektronik elektronika "
    "elektroniks elektroniki ilektroniki dianzi jeonja",
    "group": "group groupe gruppe grupo gruppo gruppa grupp omilos jituan",
    "holding": "holding holdings kholding konggu gufen",
    "trading": "trading trade trader traders handel handels commerce comercio comercial "
    "commercial emporiki torgovyy torgovy torgovaya tejarat tjrt bazargani bzrgny ticaret maoyi "
    "shangmao",
    "international": "international intl internacional internazionale mezhdunarodnyy guoji",
    "industry": "industry industries industrial industrie industria industrias sanayi sanaye "
    "sanat snt snay promyshlennyy gongye shiye",
    "system": "system systems systeme sistema sistemy systimata sistimata",
    "solution": "solution solutions",
    "service": "service services servis servisy",
    "engineering": "engineering ingenieria muhendislik mohandesi mhndsy inzhiniring gongcheng",
    "enterprise": "enterprise enterprises entreprise predpriyatie",
    "development": "development developments fazhan",
    "investment": "investment investments invest touzi",
    "logistics": "logistics logistic logistik logistika wuliu",
    "shipping": "shipping maritime marine navigation",
    "communications": "communications communication telecom telecommunications tongxin",
    "software": "software yazilim ruanjian",
    "security": "security securities anquan",
    "equipment": "equipment equipments zhuangbei shebei",
    "machinery": "machinery machines jixie",
    "manufacturing": "manufacturing manufacture manufacturer zhizao",
    "science": "science sciences scientific kexue",
    "research": "research",
    "institute": "institute institut instituto yanjiusuo yanjiuyuan",
    "information": "information xinxi",
    "energy": "energy energia nengyuan",
    "chemical": "chemical chemicals huagong",
    "instrument": "instrument instruments yiqi",
    "intelligent": "intelligent zhineng",
    "aerospace": "aerospace hangtian aviation hangkong",
    "consulting": "consulting consultancy consultants consultant",
    "global": "global worldwide",
    "general": "general",
    "import": "import imports export exports jinchukou",
    "network": "network networks",
    "product": "product products",
    "resource": "resource resources",
    "supply": "supply supplies",
    "material": "material materials",
    "branch": "branch office fenggongsi",
    "computer": "computer computers computing",
    "defence": "defence defense savunma oboronnyy",
}
# Trade words companies add to a name, beyond those above (read only as written: see
# FOLDABLE_GENERIC). Curated by the project: sector words from the section and division titles of
# ISIC Rev. 4 (UN Statistics Division) and the sector titles of NAICS 2022 (US Census Bureau),
# and the descriptive words company names commonly carry ("Labs", "Analytics", "Dynamics",
# "Devices", "Ventures"). A word of four letters or more; an English spelling first, then the
# spellings of the lists' other languages where a list writes them.
_TRADE = {
    "laboratory": "laboratory laboratories lab labs laboratorio laboratorios laboratoire "
    "laboratoires labor",
    "analytics": "analytics analytic analysis",
    "dynamics": "dynamics dynamic dinamica dynamik",
    "device": "device devices",
    "automation": "automation automatisierung automatizacion avtomatika",
    "robotics": "robotics robotic",
    "optics": "optics optical optik photonics photonic",
    "pharmaceutical": "pharmaceutical pharmaceuticals pharma farma",
    "medical": "medical medtech",
    "biotechnology": "biotechnology biotech bioscience biosciences",
    "semiconductor": "semiconductor semiconductors microelectronics",
    "component": "component components parts",
    "precision": "precision",
    "innovation": "innovation innovations innovative",
    "digital": "digital",
    "data": "data",
    "media": "media",
    "capital": "capital",
    "finance": "finance financial",
    "partners": "partners partner associates",
    "ventures": "ventures venture",
    "management": "management",
    "design": "design designs",
    "construction": "construction stroy",
    "mining": "mining",
    "metal": "metal metals metallurgy",
    "steel": "steel",
    "petroleum": "petroleum petrochemical petrochemicals",
    "power": "power",
    "electric": "electric electrical",
    "motor": "motor motors automotive",
    "transport": "transport transportation",
    "textile": "textile textiles",
    "agriculture": "agriculture agricultural agro",
    "plastics": "plastics",
    "packaging": "packaging",
    "control": "control controls",
    "sensor": "sensor sensors",
    "tools": "tools",
    "wireless": "wireless",
    "cyber": "cyber",
    "marketing": "marketing",
    "production": "production productions",
    "project": "project projects",
    "distribution": "distribution distributor distributors",
    "factory": "factory factories zavod",
    "technical": "technical technics",
    "advanced": "advanced applied integrated",
    "representative": "representative representation liaison",
}
# Words naming a public body ("Public Security Bureau", "Policia Nacional"), in the languages
# lists write them in: what tells one body from another is its country or region, so these
# weigh as generic words and the place must match (name_comparison._shares_distinctive).
_PUBLIC_BODY = {
    "police": "police policia polizia politsiya politsii policja polis polisi",
    "national": "national nacional nazionale nationale natsionalnaya natsionalnoy milli",
    "ministry": "ministry ministerio ministere ministero ministerstvo ministerium bakanligi",
    "interior": "interior interieur interno vnutrennikh vnutrennih dakhiliya",
    "center": "center centre centro tsentr zentrum",
    "public": "public publica publique",
    "state": "state estado etat gosudarstvennoy",
    "guard": "guard guards guardia garde",
    "army": "army ejercito armee armiya",
    "force": "force forces fuerzas",
}
_PUBLIC_BODY_WORDS = """bureau department directorate agency intelligence command government
committee administration authority prison penitentiary affairs federal provincial municipal
regional people peoples militia gendarmerie council commission corps detention headquarters"""
for _word in _PUBLIC_BODY_WORDS.split():
    _PUBLIC_BODY[_word] = _word
_GENERIC |= _PUBLIC_BODY
# Generic words also read through a fold ("Trdng", "Cornpany": known_words.known_word) and cut
# out of a run of Chinese syllables: not the trade words added since, whose folded keys are
# short and would read names as trade words ("Mng" as "Mining", "Ming" out of "mingxin").
FOLDABLE_GENERIC = frozenset(v for variants in _GENERIC.values() for v in variants.split())
_GENERIC |= _TRADE
PUBLIC_BODY_WORDS: frozenset[str] = frozenset(_PUBLIC_BODY)
GENERIC_CANONICAL: dict[str, str] = {
    variant: canonical for canonical, variants in _GENERIC.items() for variant in variants.split()
}
GENERIC_WORDS: frozenset[str] = frozenset(_GENERIC)
GENERIC_SPELLINGS: dict[str, tuple[str, ...]] = {
    canonical: tuple(variants.split()) for canonical, variants in _GENERIC.items()
}

# Joining words in the languages of the lists; "al"/"el" is the Arabic article.
_STOPWORDS = "and the of for de del della di la le les du des der die das und et y e da do dos van"
STOPWORDS: frozenset[str] = frozenset(f"{_STOPWORDS} ve va al el".split())
_ARTICLES = ["the", "la", "le", "les", "der", "die", "das", "al", "el"]
_PREPOSITIONS = ["of", "for", "de", "del", "della", "di", "du", "des", "da", "do", "dos", "van"]
_CONJUNCTIONS = ["and", "und", "et", "y", "e", "ve", "va"]
# Joining words side by side as languages write them: a preposition before an article ("of
# the", "de la", "van der"; Dutch "van de"), a conjunction before either ("and the",
# "y de"). Others side by side ("Da De", "De Da") are syllables of a name (pinyin).
JOINING_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [(p, a) for p in _PREPOSITIONS for a in _ARTICLES]
    + [(c, w) for c in _CONJUNCTIONS for w in _PREPOSITIONS + _ARTICLES]
    + [("van", "de")]
)

# Places that often open a company name; they count, but less than a brand does.
_PLACES = (
    "shenzhen beijing shanghai guangzhou tianjin wuhan chengdu xian hangzhou nanjing chongqing "
    "suzhou dalian qingdao xiamen hefei harbin changsha zhengzhou jinan dongguan ningbo kunming "
    "urumqi xinjiang hong kong macau macao taipei moscow moskva petersburg sankt saint novosibirsk "
    "yekaterinburg kazan samara omsk minsk almaty tashkent baku tehran tehran isfahan mashhad "
    "tabriz shiraz dubai sharjah ajman abu dhabi doha muscat riyadh jeddah damascus aleppo beirut "
    "baghdad karachi lahore islamabad mumbai delhi istanbul ankara izmir herzliya tel aviv "
    "jerusalem athens thessaloniki piraeus limassol nicosia larnaca skopje budapest dublin sofia "
    "belgrade london paris berlin frankfurt hamburg munich rotterdam amsterdam singapore kuala "
    "lumpur bangkok jakarta manila seoul pyongyang tokyo osaka yangon naypyidaw mandalay managua "
    "caracas havana "
    "russian chinese iranian israeli emirati syrian turkish greek cypriot irish hungarian "
    "macedonian korean burmese myanmar asia asian europe european euro pacific middle east "
    "eastern western northern southern north south east west central"
)


def plain_words(text: str) -> list[str]:
    """The words of a name, in ASCII lower case."""
    return re.sub(r"[^a-z0-9]+", " ", anyascii(text).lower().replace("'", "")).split()


# One-word names of cities and US states, from GeoNames, less the words Faker's lists give as
# persons' names (written by place_sources.py, which names the sources and the rules).
CITY_NAMES = Path(__file__).parent.parent / "data" / "city_names.txt"


@cache
def place_words() -> frozenset[str]:
    """Words of country names, major cities and regions (cached: read once)."""
    words = set(_PLACES.split())
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            words.update(plain_words(getattr(country, attribute, "")))
    # A city named like a person in the project's names is a name word too ("Victoria").
    words |= city_words() - set(name_variants()) - GENERIC_CANONICAL.keys()
    kept = words - STOPWORDS - {"republic", "state", "states", "united"}
    return frozenset(word for word in kept if len(word) > 1)  # a letter is an initial


def city_words() -> frozenset[str]:
    """The kept city names (data/city_names.txt; GeoNames data, CC BY 4.0)."""
    lines = CITY_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


# Place names that anyascii spells with a character's other reading (成都 "Chengdou").
PLACE_SPELLINGS = {
    "chengdou": "chengdu",
    "shamen": "xiamen",
    "zhangsha": "changsha",
    "zhongqing": "chongqing",
    "zhangchun": "changchun",
}

# Chinese, Japanese and Korean words as transliterated syllables run together: what a run of
# characters is split at, and which of them are legal forms, generic words or places.
CJK_WORDS: frozenset[str] = frozenset(
    {word for form in LEGAL_FORMS if len(form) == 1 for word in form}
    | {"youxian", "zeren", "gufen"}
    | FOLDABLE_GENERIC
    | set(_PLACES.split())
    | set(PLACE_SPELLINGS)
)
LONGEST_CJK_WORD = 6

# Titles, honorifics and ranks written before a name ("Dr.", "Sheikh", "Col."), and generational
# or academic affixes after it ("Jr.", "II"): dropped from either name before comparing.
_TITLES = """mr mrs ms miss mx dr doctor prof professor sir dame lord lady sheikh shaikh shaykh
sheik hajji haji hajj alhaji sayyid sayed syed sayyed mullah maulana maulvi imam ayatollah col
colonel gen maj major capt captain lt lieutenant brig brigadier adm admiral sgt cdr eng engr ing
dipl rev reverend hon honourable honorable excellency amb ambassador mme mlle herr frau sr sra
srta dott ustad ustaz"""
TITLES: frozenset[str] = frozenset(_TITLES.split())
_AFFIXES = "jr jnr junior sr snr senior ii iii iv 2nd 3rd esq phd"
AFFIXES: frozenset[str] = frozenset(_AFFIXES.split())

_GIVEN_NAMES = Path(__file__).parent.parent / "data" / "given_names.txt"


@cache
def name_variants() -> dict[str, frozenset[int]]:
    """Each rendering of a given or family name, with the lines (names) it belongs to."""
    lines: dict[str, set[int]] = {}
    text = _GIVEN_NAMES.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines()):
        if line.strip() and not line.startswith("#"):
            for word in line.split():
                lines.setdefault(word, set()).add(number)
    return {word: frozenset(numbers) for word, numbers in lines.items()}
