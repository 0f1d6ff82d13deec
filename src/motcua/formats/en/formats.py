# The English interface keeps Vietnamese formats (dd/mm/yyyy, 1.234.567 đồng): the same
# document must read the same in both languages.
from motcua.formats.vi.formats import *  # noqa: F403
