from clarus_daemon.cli import main

raise SystemExit(main())
