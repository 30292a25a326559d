"""`filia init`: the first-run wizard (TUI form) or, with --role etc., the same non-interactively."""
from __future__ import annotations

import getpass
import sys

from store.errors import ValidationError
from store.i18n import _


def register(sub) -> None:
    p = sub.add_parser("init", help=_("utwórz nową bazę firmy (kreator pierwszego uruchomienia)"))
    p.add_argument("--role", choices=["branch", "hq", "standalone"], help=_("rola bazy (nie do zmiany później)"))
    p.add_argument("--costing", choices=["FIFO", "LIFO", "QUAN"], default=None,
                   help=_("metoda rozchodu magazynu (nie do zmiany później)"))
    p.add_argument("--name", help=_("nazwa firmy"))
    p.add_argument("--nip", default="")
    p.add_argument("--regon", default="")
    p.add_argument("--street", default="")
    p.add_argument("--building", default="")
    p.add_argument("--postal-code", default="")
    p.add_argument("--city", default="")
    p.add_argument("--symbol", default="", help=_("symbol oddziału (rola branch)"))
    p.add_argument("--exchange-folder", default="", help=_("katalog pliku wymiany (rola branch)"))
    p.add_argument("--admin-password", default=None,
                   help=_("hasło operatora ADMIN (bez tej opcji: zmienna FILIA_ADMIN_PASSWORD lub pytanie)"))
    p.set_defaults(handler=run_init)


def run_init(args) -> int:
    """Nothing is created before the data is accepted; a refused or failed init leaves no database."""
    import os

    from store.db import display_url, resolve_url
    from store.setup import SetupData, check_target, create_company

    url = resolve_url(args.db)
    check_target(url)                      # not Filia's, or a company already: refused untouched
    label = display_url(url)
    if args.role is None:  # interactive: the TUI wizard
        from tui.screens.setup_wizard import SetupWizardApp

        result = SetupWizardApp(create=lambda data: create_company(url, data)).run()
        if not result:
            print(_("Przerwano – nic nie zapisano."), file=sys.stderr)
            return 1
        print(_("Utworzono bazę {url}.").format(url=label))
        return 0
    password = args.admin_password or os.environ.get("FILIA_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass(_("Hasło operatora ADMIN: "))
    data = SetupData(role=args.role, costing_method=args.costing or "FIFO", company_name=args.name or "",
                     nip=args.nip, regon=args.regon, street=args.street, building=args.building,
                     postal_code=args.postal_code, city=args.city, admin_password=password,
                     branch_symbol=args.symbol, exchange_folder=args.exchange_folder)
    try:
        create_company(url, data)
    except ValidationError as exc:
        for message in exc.errors.values():
            print(message, file=sys.stderr)
        print(_("Nic nie zapisano."), file=sys.stderr)
        return 2
    print(_("Utworzono bazę {url}.").format(url=label))
    return 0
