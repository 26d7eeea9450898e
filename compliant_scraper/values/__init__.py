"""Values at the bottom of the package: the field table, phone and email readings, countries.

Nothing here imports from the rest of the package.
"""
