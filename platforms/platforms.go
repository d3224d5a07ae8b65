// Package platforms lists every platform the tool imports into, each declared once in
// its own package (targets.Platform), in the order help, `userimport targets` and the
// suggestions show them.
package platforms

import (
	"slices"
	"strings"

	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/cscart"
	"userimport/targets/inskill"
	"userimport/targets/ispring"
)

// All returns every platform, in order.
func All() []targets.Platform {
	return []targets.Platform{
		collaborator.Platform(),
		inskill.Platform(),
		ispring.Platform(),
		cscart.Platform(),
	}
}

// Names lists the platforms' names as --target spells them, in order.
func Names() []string {
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	return names
}

// Lookup finds a platform by its name, ignoring case and surrounding spaces.
func Lookup(name string) (targets.Platform, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	all := All()
	i := slices.IndexFunc(all, func(p targets.Platform) bool { return p.Name == name })
	if i < 0 {
		return targets.Platform{}, false
	}
	return all[i], true
}

// ByAlias finds the platform that people also call alias ("cs-cart"), ignoring case.
func ByAlias(alias string) (targets.Platform, bool) {
	alias = strings.ToLower(alias)
	all := All()
	i := slices.IndexFunc(all, func(p targets.Platform) bool { return slices.Contains(p.Aliases, alias) })
	if i < 0 {
		return targets.Platform{}, false
	}
	return all[i], true
}
