"""Every closed word list the entity rules use, each once, each with the line that says why.

A rule module imports what it needs from here; nothing else defines a word list. Lists are frozensets of
exact tokens: capitalised words match capitalised tokens, lower-case lists are compared with
``token.lower()`` by their rule. Tables that map a name to something (countries, cities, organisations,
aliases, demonyms) are not lists: they live in ``data/*.tsv`` and :mod:`search.entities.gazetteer` reads
them. Open vocabularies (English words, first names, stop words) come from NLTK and gender-guesser.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- speech: the name next to one of these is the one quoted ---------------------------------------

# Verbs that make the name next to them the one quoted: "Baker said", "said Treasury Secretary James Baker",
# "VOLCKER SAYS ...", "BAKER URGES ..." (headlines speak in the present tense), "Young said" (a surname).
SPEECH_VERBS = _words(
    """
    said says say told tells added stated declined noted warned predicted announced according sees urges warns
    calls asks predicts expects denies rejects proposes forecasts wants backs opposes hopes doubts confirms
    announces defends criticizes criticises supports
    """
)

# Words that may stand between a name and its speech verb: "Baker also said", "Volcker has said".
WORDS_BEFORE_VERB = _words("has had also later earlier today yesterday then previously recently")


# -- the shape of a person's name ------------------------------------------------------------------

# Lower-case particles that may sit inside a name: "Jacques de Larosiere", "Richard von Weizsaecker".
PARTICLES = _words("de da di du del della der den van von la le al el bin ben ibn dos das")

# Generational suffixes after a surname: "Wilmot Wheeler Jr" is still a first name and a surname.
NAME_SUFFIXES = _words("Jr Sr II III IV")

# Words (lower case, no dot) that may precede a person's name and are not part of it: ranks, offices, roles,
# portfolios ("Foreign Minister"), plural titles ("Prime Ministers Zhao Ziyang of China and ...") and business
# roles ("inside trader Ivan Boesky").
TITLES = _words(
    """
    mr mrs ms miss dr prof professor sir dame lord lady rev reverend father sister brother sheikh sheik emir
    king queen prince princess crown president vice chairman chairwoman chairperson chief executive ceo cfo
    coo director managing deputy assistant acting former prime minister premier chancellor secretary
    undersecretary under treasurer governor senator sen rep representative congressman congresswoman
    ambassador envoy spokesman spokeswoman spokesperson commissioner attorney general judge justice mayor
    speaker leader head maj major gen lt lieutenant col colonel capt captain cmdr commander adm admiral sgt
    sergeant brig brigadier marshal field officer pope cardinal bishop ayatollah imam rabbi mullah foreign
    finance defence defense trade economy economics agriculture energy oil interior health transport
    intelligence labour labor industry commerce education analyst economist official officials source
    ministers presidents governors leaders trader speculator financier investor arbitrager arbitrageur raider
    banker businessman tycoon magnate industrialist hojatoleslam affairs
    """
)

# Title words that name an affiliation or a rank qualifier, not a person: stripped before a name ("Finance
# Minister X") but alone no evidence that a person follows ("official Tanjug news agency").
WEAK_TITLES = _words(
    """
    foreign finance defence defense trade economy economics agriculture energy oil interior health transport
    intelligence labour labor industry commerce education affairs official officials source former acting
    deputy vice assistant under managing crown field
    """
)

# Lower-case nouns for a person that stand right before a name as a title does: "midfielder Wim Jonk", "his wife
# Jetty Kors", "forecaster Lixion Avila" (sports and general copy; only the lower-case word counts).
PERSON_NOUNS = _words(
    """
    midfielder defender striker forward goalkeeper keeper winger fullback full-back flanker hooker scrum-half
    fly-half opener batsman bowler spinner all-rounder wicketkeeper pitcher catcher outfielder infielder
    shortstop slugger quarterback jockey trainer coach manager skipper driver rider cyclist sprinter
    runner hurdler jumper thrower swimmer golfer boxer wrestler player veteran rookie newcomer teammate
    compatriot countryman wife husband son daughter widow girl boy forecaster scholar novelist poet writer
    author playwright actor actress singer composer conductor dancer painter sculptor producer
    lawyer prosecutor dissident activist strongman businessman nun priest pastor cleric lecturer
    researcher scientist journalist reporter correspondent photographer columnist editor insurer aide
    adviser advisor colleague counterpart developer
    """
)

# Roles whose "with/at/for X" names an employer: "analyst with Elders Futures", "economist at James Capel".
EMPLOYEE_ROLES = _words(
    """
    analyst analysts economist economists strategist strategists dealer dealers trader traders broker brokers
    spokesman spokeswoman official officials executive executives
    """
)

# A name right before one of these is the employer: "Smith Barney Harris Upham analyst Craig Sloane".
ROLES_AFTER_FIRM = _words("analyst analysts economist economists strategist strategists")

# After a surname these name the government, not the person: "the Reagan administration".
ATTRIBUTIVE_NOUNS = _words("administration government cabinet era doctrine plan")

# Capitalised words never part of a person's name: org heads, places, calendar, currencies, table words (not
# "Jan" or "Christian", first names as often as a month or a faith: "Jan Siemerink", "Christian Ziege").
NAME_STOPWORDS_OWN = _words(
    """
    Inc Corp Corporation Co Company Ltd Limited Plc PLC AG SA NV BV GmbH Group Holdings Holding Bank Bancorp
    Banking Trust Fund Funds Ministry Department Agency Office Bureau Commission Committee Council Board
    Authority Association Federation Union Party Forces Force Army Navy Air Airlines Airways Exchange Market
    Markets Securities Capital Financial Insurance Industries International National Federal Reserve Treasury
    Government Parliament Congress Senate House Court Institute University College School Centre Center
    Foundation Organization Organisation Church Club Front Movement Corps Directorate Operation Shield Reuters
    News Times Post Journal Street Avenue Road Square Bridge River Valley Sea Ocean Gulf Bay Lake Island
    Islands Mountains Hills Peninsula Canal Coast Strait North South East West Northern Southern Eastern
    Western Central Middle New Old Great Upper Lower January February March April May June July August
    September October November December Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday Minister President Chairman Secretary Governor Premier
    Chancellor Spokesman General Director Officer Chief Oil Gas Energy Petroleum Steel Motors Motor Electric
    Chemical Chemicals Foods Products Systems Technologies Technology Communications Resources Mining Minerals
    Partners Associates Brothers Bros Stores Services Enterprises Investment Investments Dollar Dollars Yen
    Marks Franc Francs Sterling Pound Lira Peso Prime Rate Index Average Dow Jones Standard War World Cup Day
    Christmas Easter God Islamic Moslem Muslim Catholic Jewish Arab Arabs Communist Socialist
    Democrat Democrats Republican Republicans Democratic Conservative Labour Liberal Senator Representative
    Congressman Mln Dlrs Dlr Pct Cts Shr Net Revs Qtr Avg Shrs Oper Vs Note Year Tonnes Tonne Nil Europe
    European Asia Asian Africa African Americas Latin Pacific Atlantic Mideast Mediterranean Caribbean
    Scandinavia Balkans Arctic Antarctic Baltic Nordic Persian Arabian Indian Far Near Orient Third
    """
)

# A capitalised run with one of these names a body, and so do the words after it: "Banque Paribas",
# "Banca Commerciale Italiana", "Foreign Agricultural Service", "Morgan Gallup Poll".
INSTITUTION_WORDS = _words(
    """
    Banque Banco Banca Banken Landesbank Girozentrale Sparkasse Management Industrie Industriali Countries
    Chambers Sales Service Administration Nationale Nacional Nazionale Institutions Departments Unions Poll
    Compagnie Compania Societe Commodity Commodities Exporting Military Futures Chamber Aerospace Gruppo
    Groupe Grupo
    """
)

# Words of administrative divisions and of team names, never part of a person's name: "Yaren District", "the
# Federated States", "Ross County", "Sheffield United", "Queens Park Rangers", "Major League Baseball".
DIVISION_AND_TEAM_WORDS = _words(
    """
    District Districts Province Provinces County Counties State States Region Regions Prefecture Prefectures
    Municipality Territory Territories Republic Kingdom Emirate Emirates Oblast Governorate Parish Borough
    Township Canton Atoll City United Rovers Rangers Wanderers Athletic Atletico Albion Palace Hotspur League
    Sox
    """
)

# Every capitalised word that is never part of a person's name.
NAME_STOPWORDS = NAME_STOPWORDS_OWN | INSTITUTION_WORDS | DIVISION_AND_TEAM_WORDS

# Plurals for a group of people: a name ending in one names the group ("Lib Dem MPs", "Labour Members"); so does
# a plural acronym ("MPs", "CEOs") or the plural of a title or a noun for a person ("Tory Senators").
GROUP_PLURALS = _words(
    """
    members supporters rebels voters lawmakers legislators deputies backbenchers loyalists militants fighters
    troops fans delegates activists
    """
)


# -- firms ----------------------------------------------------------------------------------------

# A name directly followed by one of these is a firm ("Samuel Montagu Ltd", "Taco Bell Corp", "Royal Bank"),
# and so is a country word ("Swiss Bank Corp", "British Petroleum Co", "Saitama Bank").
FIRM_SUFFIXES = _words(
    """
    Inc Corp Corporation Co Cos Company Ltd Limited Plc PLC AG SA NV BV GmbH Group Holdings Holding Securities
    Bank Bancorp Brothers Bros Industries Partners Associates Sons Airlines Airways Petroleum Motors Breweries
    """
)

# ... or by "and"/"&" and a name with a firm suffix: "Eli Lilly and Co", "Alex Brown and Sons Inc"; but not
# these, which also name public bodies: "Baker and Bank of Japan governor Sumita" names a person.
PARTNER_SUFFIXES = FIRM_SUFFIXES - _words(
    "Group Holdings Holding Bank Bancorp Industries Airlines Airways Petroleum Motors Breweries"
)

# A name right after one of these is a firm or a title: "brokers Hoare Govett", "the daily Gazeta Mercantil".
FIRM_NOUNS = _words(
    """
    broker brokers stockbroker stockbrokers brokerage underwriter underwriters firm company subsidiary unit
    affiliate newspaper daily weekly magazine agency bank banks insurer retailer publisher
    """
)

# A single capitalised word before one of these names an organisation, not a surname: "the Tanjug news agency".
ORG_NOUNS_AFTER = FIRM_NOUNS | _words("news group shares stock")


# -- places ---------------------------------------------------------------------------------------

# Countries whose name is also a common first name or word: typed by context ("Israel Katz", "Chad Smith").
AMBIGUOUS_COUNTRY_WORDS = _words("Jordan Chad Georgia Turkey Israel Kenya India China")

# First words of place names that gender-guesser also lists as first names ("San Diego", "Los Angeles").
PLACE_ARTICLES = _words("La Le Las Los El Al San Santa Santo Sao São Saint St")

# City names too often something else in news text (a word, a person, a firm, a region).
NOT_CITIES = _words(
    """
    Of Mobile Reading Victoria Santiago Florence Paris Regina Mary Lincoln Jackson Columbus Nice Split
    Hamilton Kingston Georgetown Alexandria Cordoba Valencia Granada Naples Rochester Aurora Orange
    Independence Arlington Springfield Salem Richmond Vancouver Bristol Windsor Durham York Cambridge Oxford
    Kent Essex Albany Austin Madison Dayton Wilson Lawrence Douglas Nelson Norman Carson Irving Henderson
    Chandler Garland Mesa Pasadena Mercedes Sucre Medina Murcia Leon Guadalupe Bolivar Sherman Charlotte
    Elizabeth Tyre Portland Hollywood Phoenix Buffalo Memphis Jersey Nashville Anaheim Omaha Raleigh Tampa
    Toledo Lima Trinidad San Jose Hama Homs Mendoza Rosario Santos Colon David Vitoria Trujillo Mar Toyota
    Kawasaki Sapporo Saitama
    """
)

# A country word before one of these names a currency, not the country: "U.S. dlrs", "Swiss francs".
CURRENCY_WORDS = _words(
    """
    dollar dollars dlr dlrs franc francs yen mark marks pound pounds sterling lira lire peso pesos guilder
    guilders crown crowns krona kronor krone kroner schilling schillings rand cruzado cruzados escudo escudos
    peseta pesetas currency drachma drachmas rupee rupees rupiah ringgit baht won
    """
)

# Near "Turkey" these make it the bird: "Turkey production", "chicken and turkey", "turkey prices".
BIRD_NEIGHBOURS = _words(
    """
    meat production prices price poults hatchery hatcheries eggs slaughter output sales breast farms farmers
    growers hens toms broilers broiler chicken chickens birds weights feed processors pork beef
    """
)

# Gazetteer keys never matched in an ALL-CAPS headline, where they are ordinary words ("US" the pronoun).
CAPS_UNSAFE_KEYS = _words("US UN WHO IT Fed")
