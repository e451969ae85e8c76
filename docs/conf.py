# Sphinx configuration of kd3d's docs site, built by `./run docs` (docs/build.py) from the notebooks in nbs/ with
# their saved outputs: nothing is executed, nothing is fetched. The staging folder that build.py writes holds the
# cleaned notebooks, the API pages and a local copy of MathJax; this file is copied there as the site's conf.py.
import os
project = 'kd3d'
author = 'kd3d developers'
copyright = '2026 onwards, kd3d developers'
extensions = ['myst_nb', 'sphinx.ext.autodoc', 'sphinx.ext.mathjax']
root_doc = 'index'
exclude_patterns = ['_build', '**.ipynb_checkpoints']
nb_execution_mode = 'off'                       # the notebooks' saved outputs are the pages; `./run test` runs them
nb_merge_streams = True
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_heading_anchors = 3
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']
autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
autodoc_default_options = {'members': True, 'undoc-members': False}
# MathJax 3 from the `django-static-mathjax` wheel (MathJax's own es5 build, no dependencies), copied into
# _static/mathjax by build.py with its CHTML fonts: no CDN. Sphinx's default MathJax 3 settings apply.
mathjax_path = 'mathjax/tex-chtml.js'
html_theme = 'sphinx_book_theme'
html_title = 'kd3d'
html_static_path = ['_static']
html_theme_options = {
    'home_page_in_toc': True, 'show_toc_level': 2, 'use_download_button': False, 'use_fullscreen_button': False,
    'use_repository_button': False, 'use_issues_button': False, 'use_edit_page_button': False,
    'launch_buttons': {}, 'search_bar_text': 'Search the book and the API...',
}
html_show_sourcelink = False
html_copy_source = False
html_context = {'default_mode': 'light'}        # the theme logs a console error when no mode is set
html_favicon = 'favicon.svg'                    # a page without one makes the browser ask for /favicon.ico (a 404)
