target "previous" {}
