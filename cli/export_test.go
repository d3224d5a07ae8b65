package cli

// Emulate lets the black-box tests play terminal output onto a screen with the same
// emulator the package's own tests use.
var Emulate = emulate
