"""A list's names normalised word by word, each distinct word once, as one name alone would be."""

from __future__ import annotations

import random

from services.screening.matching import lexicon, normalise_name
from services.screening.matching.word_cache import WordCachedNormaliser

_WORDS = [
    "Cytrox",
    "Huaxin",
    "NSO",
    "Intellexa",
    "Mohammad",
    "al-Rashid",
    "Pars",
    "Tsement",
    "Company",
    "Com",
    "pany",
    "Serv",
    "ice",
    "Limited",
    "Lim",
    "ited",
    "Trading",
    "Trdng",
    "Cornpany",
    "Lmiited",
    "Ldt",
    "Ko.",
    "z.A.",
    "S.A.",
    "S..",
    "Co.,",
    "Ltd.",
    "GmbH",
    "OOO",
    "Sp.",
    "z",
    "o.o.",
    "Pte.",
    "Pre.",
    "AD",
    "Dr.",
    "Prof.",
    "Jr",
    "III",
    "de",
    "and",
    "&",
    "NS0",
    "2rt",
    "Gr0up",
    "Tian",
    "Jin",
    "Shenzhen",
    "Moscow",
    "K.",
    "M.",
    "Li",
    "Bo",
    "Холдинг",
    "Газпром",
    "Сytrox",
    "Ηuaxin",
    "深圳",
    "华信科技有限公司",
    "株式会社トヨタ",
    "삼성전자",
    "محمد",
    "الرشيد",
    "שלום",
    "Ζευς",
    "Ahrnad",
    "e\u200bxample",
    "Ｆｕｌｌ",
    "O'Brien",
    "d'Arc",
    "Müller",
    "Ærø",
    "Nguyễn",
    "2024",
    "A1",
    "x",
]


def _names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    known = sorted(set(lexicon.TITLES) | set(lexicon.AFFIXES) | set(lexicon.GENERIC_CANONICAL))
    forms = sorted(" ".join(form) for form in lexicon.LEGAL_FORMS)
    names = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(known).title())
        if rng.random() < 0.3:
            words.append(rng.choice(forms).upper())
        if rng.random() < 0.15:  # a known word split by a space
            word = rng.choice(known)
            cut = rng.randint(1, max(1, len(word) - 1))
            words[rng.randrange(len(words)) : 0] = [word[:cut], word[cut:]]
        names.append(" ".join(w for w in words if w))
    return [*names, "", "   ", "Limited", "Co. Ltd.", "深圳", "Сытрокс Холдинг"]


def test_each_name_is_normalised_as_on_its_own() -> None:
    normalise = WordCachedNormaliser()
    for name in _names(4000, seed=15):
        assert normalise(name) == normalise_name(name), name
        assert normalise.tokens(name) == normalise_name(name).tokens, name


def test_the_words_of_one_name_do_not_change_another() -> None:
    # A Cyrillic word of Latin look-alike letters is folded in a Latin name ("Mepa"),
    # transliterated in a name of its own script ("Mera").
    normalise = WordCachedNormaliser()
    for name in ("Mira Мера", "Мера", "Мера Mira", "Мера Холдинг", "Сytrox Холдинг", "Мера"):
        assert normalise(name) == normalise_name(name), name
