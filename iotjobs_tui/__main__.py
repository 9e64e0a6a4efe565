from iotjobs_tui.cli import main

raise SystemExit(main())
