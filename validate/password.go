package validate

import (
	"crypto/rand"
	"fmt"
)

// passwordAlphabet is letters and digits without the look-alikes 0 O o 1 l I, so that a
// password read off a printout or a chat message is typed right the first time.
const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// passwordLength is long enough for 12 × log2(56) ≈ 70 bits, well beyond online guessing,
// and short enough to type.
const passwordLength = 12

// GeneratePassword returns a random password of 12 characters from passwordAlphabet, drawn
// with crypto/rand, with at least one upper-case letter, one lower-case letter and one
// digit (a draw without all three is thrown away, which keeps the draw uniform over the
// passwords that qualify). It is safe for concurrent use. The caller must never log it.
func GeneratePassword() (string, error) {
	// The largest multiple of the alphabet size that fits in a byte: bytes at or above it
	// are redrawn so that every character is equally likely.
	const limit = 256 - 256%len(passwordAlphabet)
	var buf [64]byte
	out := make([]byte, 0, passwordLength)
	for {
		out = out[:0]
		for len(out) < passwordLength {
			if _, err := rand.Read(buf[:]); err != nil {
				return "", fmt.Errorf("generate password: %w", err)
			}
			for _, b := range buf {
				if int(b) < limit && len(out) < passwordLength {
					out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
				}
			}
		}
		if hasAllClasses(out) {
			return string(out), nil
		}
	}
}

// hasAllClasses reports whether p has an upper-case letter, a lower-case letter and a digit.
func hasAllClasses(p []byte) bool {
	var upper, lower, digit bool
	for _, c := range p {
		switch {
		case 'A' <= c && c <= 'Z':
			upper = true
		case 'a' <= c && c <= 'z':
			lower = true
		case '0' <= c && c <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}
