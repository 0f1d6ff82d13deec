"""The vocabularies the DCAT catalogue speaks: namespaces, and the concepts of other people's
controlled vocabularies that it uses (the EU Publications Office's frequencies, data themes, file
types and languages, ADMS's publisher and licence types, IANA's media types).

Each concept the catalogue points at is also described in the catalogue (its type, a label and
its scheme), as DCAT-AP's range shapes ask: a harvester need not fetch the vocabulary to know
what "MONTHLY" means, and the SHACL check runs without the network. The English labels are the
vocabularies' own; the Vietnamese ones are ours.
"""

from __future__ import annotations

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

_AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY_SCHEME = URIRef(_AUTHORITY + "frequency")
THEME_SCHEME = URIRef(_AUTHORITY + "data-theme")
FILE_TYPE_SCHEME = URIRef(_AUTHORITY + "file-type")
LANGUAGE_SCHEME = URIRef(_AUTHORITY + "language")
AVAILABILITY_SCHEME = URIRef(_AUTHORITY + "planned-availability")
PUBLISHER_TYPE_SCHEME = URIRef("http://purl.org/adms/publishertype/1.0")
LICENCE_TYPE_SCHEME = URIRef("http://purl.org/adms/licencetype/1.0")
ACCESS_RIGHT_SCHEME = URIRef(_AUTHORITY + "access-right")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

SCHEMES: dict[URIRef, tuple[str, str]] = {
    FREQUENCY_SCHEME: ("Tần suất", "Frequency"),
    THEME_SCHEME: ("Chủ đề dữ liệu", "Data theme"),
    FILE_TYPE_SCHEME: ("Loại tệp", "File type"),
    LANGUAGE_SCHEME: ("Ngôn ngữ", "Language"),
    AVAILABILITY_SCHEME: ("Mức độ sẵn có dự kiến", "Planned availability"),
    PUBLISHER_TYPE_SCHEME: ("Loại đơn vị công bố", "Publisher type"),
    LICENCE_TYPE_SCHEME: ("Loại giấy phép", "Licence type"),
    ACCESS_RIGHT_SCHEME: ("Quyền truy cập", "Access right"),
}

# entries.ACCESS_RIGHTS -> (Vietnamese, English) of the EU access-right concept.
ACCESS_RIGHTS: dict[str, tuple[str, str]] = {
    "PUBLIC": ("công khai", "public"),
    "RESTRICTED": ("hạn chế: chia sẻ giữa các cơ quan", "restricted"),
    "NON_PUBLIC": ("không công khai", "non-public"),
}

# entries.FREQUENCIES -> the EU code. "BIANNUAL" (twice a year, the data catalogue's review)
# is "ANNUAL_2" in the EU vocabulary, which has no BIANNUAL.
FREQUENCIES: dict[str, tuple[str, str, str]] = {
    "DAILY": ("DAILY", "hằng ngày", "daily"),
    "WEEKLY": ("WEEKLY", "hằng tuần", "weekly"),
    "MONTHLY": ("MONTHLY", "hằng tháng", "monthly"),
    "QUARTERLY": ("QUARTERLY", "hằng quý", "quarterly"),
    "ANNUAL": ("ANNUAL", "hằng năm", "annual"),
    "BIANNUAL": ("ANNUAL_2", "sáu tháng một lần", "semiannual"),
    "IRREG": ("IRREG", "không định kỳ", "irregular"),
}

THEMES: dict[str, tuple[str, str]] = {
    "AGRI": ("Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm",
             "Agriculture, fisheries, forestry and food"),
    "ECON": ("Kinh tế và tài chính", "Economy and finance"),
    "EDUC": ("Giáo dục, văn hóa và thể thao", "Education, culture and sport"),
    "ENER": ("Năng lượng", "Energy"),
    "ENVI": ("Môi trường", "Environment"),
    "GOVE": ("Chính phủ và khu vực công", "Government and public sector"),
    "HEAL": ("Y tế", "Health"),
    "INTR": ("Vấn đề quốc tế", "International issues"),
    "JUST": ("Tư pháp, hệ thống pháp luật và an toàn công cộng",
             "Justice, legal system and public safety"),
    "REGI": ("Vùng và đô thị", "Regions and cities"),
    "SOCI": ("Dân số và xã hội", "Population and society"),
    "TECH": ("Khoa học và công nghệ", "Science and technology"),
    "TRAN": ("Giao thông vận tải", "Transport"),
}  # fmt: skip

# Distribution.format -> the EU file-type code; a format not listed gets no dct:format.
FILE_TYPES = {
    "CSV": "CSV", "JSON": "JSON", "XLSX": "XLSX", "XLS": "XLS", "ODS": "ODS", "ZIP": "ZIP",
    "HTML": "HTML", "XML": "XML", "PDF": "PDF", "GEOJSON": "GEOJSON",
    "TTL": "RDF_TURTLE", "TURTLE": "RDF_TURTLE", "JSONLD": "JSON_LD", "JSON-LD": "JSON_LD",
    "RDF": "RDF_XML", "RDF/XML": "RDF_XML",
}  # fmt: skip

LANGUAGES = {"vi": ("VIE", "tiếng Việt", "Vietnamese"), "en": ("ENG", "tiếng Anh", "English")}

# The level of the publishing agency's territory -> ADMS publisher type.
PUBLISHER_TYPES: dict[str, tuple[str, str, str]] = {
    "province": ("RegionalAuthority", "Chính quyền cấp tỉnh", "Regional authority"),
    "district": ("LocalAuthority", "Chính quyền địa phương", "Local authority"),
    "commune": ("LocalAuthority", "Chính quyền địa phương", "Local authority"),
}

ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
STABLE = URIRef(_AUTHORITY + "planned-availability/STABLE")
DATA_PACKAGE = URIRef("https://specs.frictionlessdata.io/data-package/")
CKAN_API = URIRef("https://docs.ckan.org/en/latest/api/")
SHA256 = SPDX.checksumAlgorithm_sha256


def frequency(code: str) -> URIRef | None:
    found = FREQUENCIES.get(code)
    return URIRef(f"{_AUTHORITY}frequency/{found[0]}") if found else None


def theme(code: str) -> URIRef | None:
    return URIRef(f"{_AUTHORITY}data-theme/{code}") if code in THEMES else None


def file_type(fmt: str) -> URIRef | None:
    code = FILE_TYPES.get(fmt.upper())
    return URIRef(f"{_AUTHORITY}file-type/{code}") if code else None


def language(code: str) -> URIRef:
    return URIRef(f"{_AUTHORITY}language/{LANGUAGES[code][0]}")


def media_type(value: str) -> URIRef | None:
    """The IANA address of ``text/csv; charset=utf-8`` is that of ``text/csv``."""
    bare = value.split(";")[0].strip().lower()
    return URIRef(MEDIA_TYPES + bare) if "/" in bare else None


def publisher_type(level: str) -> URIRef | None:
    found = PUBLISHER_TYPES.get(level)
    return URIRef(f"http://purl.org/adms/publishertype/{found[0]}") if found else None


def concept(g: Graph, uri: URIRef, scheme: URIRef, vi: str, en: str) -> URIRef:
    """``uri`` described as a concept of ``scheme`` with its labels (once is enough: a graph is
    a set of triples)."""
    g.add((uri, RDF.type, SKOS.Concept))
    g.add((uri, SKOS.prefLabel, Literal(vi, lang="vi")))
    g.add((uri, SKOS.prefLabel, Literal(en, lang="en")))
    g.add((uri, SKOS.inScheme, scheme))
    scheme_vi, scheme_en = SCHEMES[scheme]
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal(scheme_vi, lang="vi")))
    g.add((scheme, DCTERMS.title, Literal(scheme_en, lang="en")))
    return uri


def frequency_concept(g: Graph, code: str) -> URIRef | None:
    uri = frequency(code)
    if uri is not None:
        _, vi, en = FREQUENCIES[code]
        concept(g, uri, FREQUENCY_SCHEME, vi, en)
        g.add((uri, RDF.type, DCTERMS.Frequency))
    return uri


def theme_concept(g: Graph, code: str) -> URIRef | None:
    uri = theme(code)
    if uri is not None:
        concept(g, uri, THEME_SCHEME, *THEMES[code])
    return uri


def access_right_concept(g: Graph, code: str) -> URIRef | None:
    """The EU access-right concept of ``code``, also a dct:RightsStatement (DCAT-AP's range
    of dct:accessRights)."""
    if code not in ACCESS_RIGHTS:
        return None
    uri = URIRef(f"{_AUTHORITY}access-right/{code}")
    concept(g, uri, ACCESS_RIGHT_SCHEME, *ACCESS_RIGHTS[code])
    g.add((uri, RDF.type, DCTERMS.RightsStatement))
    return uri


def publisher_type_concept(g: Graph, level: str) -> URIRef | None:
    uri = publisher_type(level)
    if uri is not None:
        _, vi, en = PUBLISHER_TYPES[level]
        concept(g, uri, PUBLISHER_TYPE_SCHEME, vi, en)
    return uri


def language_term(g: Graph, code: str) -> URIRef:
    uri = language(code)
    _, vi, en = LANGUAGES[code]
    concept(g, uri, LANGUAGE_SCHEME, vi, en)
    g.add((uri, RDF.type, DCTERMS.LinguisticSystem))
    return uri
