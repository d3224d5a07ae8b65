package config

import "runtime"

// checkModes is whether file modes say who may read a file: not on Windows, where
// permissions live in ACLs and Go reports every file as 0666 or 0444.
var checkModes = runtime.GOOS != "windows"
