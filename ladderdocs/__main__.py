from ladderdocs.cli import main

raise SystemExit(main())
