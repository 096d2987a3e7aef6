"""Sphinx configuration of the course website (`make site`; staged by tools/publish.py).

The notebooks arrive already executed (tools/publish.py executes each once), so myst-nb only
renders them. Everything is local: the theme's assets ship with the theme and MathJax is copied
from the jupyter-server-mathjax wheel into _vendor/, so the site builds and works offline.
"""

project = "Audio data for deep learning"
author = "Audio data for deep learning contributors"
copyright = "2026, Audio data for deep learning contributors (text CC BY 4.0, code MIT)"

extensions = ["myst_nb"]
nb_execution_mode = "off"
nb_merge_streams = True
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath", "amsmath"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "use_download_button": True,
}
html_last_updated_fmt = None
html_static_path = ["_static"]
html_css_files = ["course.css"]  # docs/site/_static/course.css: lecturer notes, header
# MathJax 2 from the local copy (tools/publish.py copies it into _static/_vendor/)
mathjax_path = "_vendor/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# myst-nb marks notebook pages tex2jax_ignore (a "$" in an output is no formula); its math
# spans carry the class "math", which MathJax must still process
mathjax2_config = {"tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                               "processRefs": False, "processEnvironments": False,
                               "processClass": "math|output_area",
                               "ignoreClass": "tex2jax_ignore|mathjax_ignore|document"},
                    # the local MathJax copy has the STIX web fonts only
                    "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web",
                                 "webFont": "STIX-Web", "imageFont": None}}
