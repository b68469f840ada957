"""Generated data of Segretariato Sociale, outside the addons: not installed in any database.

- `history`: a year of activity of the demo Ambito with the ORM (the demo mode), run once by
  `make run` after the first installation and by `make test` on its test database;
- `volume`: the benchmark's bulk rows with batched SQL (bench/seed_core.py);
- `names`: names, places, phone numbers and codici fiscali, shared by both.

Run as `python -m ss_seed history -c odoo.conf -d DB` (the repository root on PYTHONPATH)."""
