module github.com/GoogleContainerTools/skaffold/examples/lifecycle-hooks

go 1.18
