# Shared warning flags for the project's own targets.
function(solarchip_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# Collect the sources of one layer or family: every .cpp/.h directly in DIR (and in DIR/detail).
function(solarchip_glob_sources out dir)
  file(GLOB _srcs CONFIGURE_DEPENDS
    ${dir}/*.cpp ${dir}/*.h ${dir}/detail/*.cpp ${dir}/detail/*.h)
  set(${out} ${_srcs} PARENT_SCOPE)
endfunction()

# Collect every .cpp/.h under DIR, at any depth (a layer whose families are subfolders).
function(solarchip_glob_sources_recursive out dir)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${dir}/*.cpp ${dir}/*.h)
  set(${out} ${_srcs} PARENT_SCOPE)
endfunction()
