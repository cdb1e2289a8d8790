// Command nslab is an interactive terminal lab for Linux mount namespaces, chroot and pivot_root.
package main

func main() {}
