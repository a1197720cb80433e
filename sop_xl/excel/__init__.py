"""Excel front end: ribbon entry points, UDFs and the build of the macro workbooks."""
