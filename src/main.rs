fn main() -> std::process::ExitCode {
    spbe::cmd::args::main()
}
