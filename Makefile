# Builds of userimport. `make dist` makes one self-contained binary per platform in
# dist/, Windows first (where most HR administrators work): no Go, no C library and
# nothing else is needed on the machine that runs them.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
# Windows first, then Linux and macOS; amd64 and arm64 each.
PLATFORMS := windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/amd64 darwin/arm64

.PHONY: build dist test check clean

build:
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o userimport .

dist:
	@mkdir -p dist
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/userimport-$(VERSION)-$$os-$$arch$$ext; \
		echo "$$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags '$(LDFLAGS)' -o $$out . || exit 1; \
	done
	@cd dist && (sha256sum userimport-$(VERSION)-* 2>/dev/null || shasum -a 256 userimport-$(VERSION)-*) > SHA256SUMS-$(VERSION)

test:
	go test -race ./...

check:
	gofmt -l . | (! grep .)
	go vet ./...

clean:
	rm -rf dist userimport
