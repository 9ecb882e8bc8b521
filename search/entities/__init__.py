"""Stage 2, entities: ``Article`` -> ``Entities`` (persons, countries, organisations and their mentions).

``extractor`` coordinates; the rules it calls each know one thing: ``names`` (which capitalised words
around a name are a title, an affiliation, a place), ``persons`` (name forms, firms named like people,
folding), ``countries`` (datelines, gazetteer spans, country words that name something else),
``salience`` (which of them a story is about). Their word lists live once in ``lexicon``, their tables
in ``gazetteer`` (and ``data/``); ``nlp`` loads the NLTK models.
"""

from search.entities.extractor import EntityExtractor

__all__ = ["EntityExtractor"]
