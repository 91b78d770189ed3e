from shahrnameh.flows.cli import main

main()
