# Fails if a public header of terrain/ (all but gdal_support.hpp) includes GDAL/OGR/CPL, or if
# any file of terrain/ includes HDF5, VTK, pybind11 or TOML (see STYLE.md, section 1).
file(GLOB_RECURSE files ${DIR}/*.hpp ${DIR}/*.cpp)
foreach(f ${files})
  file(STRINGS ${f} lines REGEX "#include")
  get_filename_component(name ${f} NAME)
  foreach(line ${lines})
    if(line MATCHES "hdf5|H5|vtk|pybind11|toml")
      message(FATAL_ERROR "${f} includes a library terrain/ must not use: ${line}")
    endif()
    if(name MATCHES "\\.hpp$" AND NOT name STREQUAL "gdal_support.hpp"
       AND line MATCHES "gdal|ogr_|ogrsf|cpl_")
      message(FATAL_ERROR "${f} is a public header and includes GDAL: ${line}")
    endif()
  endforeach()
endforeach()
message(STATUS "terrain/ public headers are GDAL-free")
