fn main() -> std::process::ExitCode {
    spbe::cli::main()
}
