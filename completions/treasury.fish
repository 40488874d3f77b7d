complete --keep-order --exclusive --command treasury --arguments "(COMPLETE=fish treasury -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
