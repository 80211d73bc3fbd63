# Every third-party package comes from Debian 12 (see scripts/deps.sh for the apt names).
find_package(PkgConfig REQUIRED)

find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets OpenGL OpenGLWidgets Sql Concurrent Test PrintSupport)
# QCustomPlotQt6 must come after Qt6 (it refers to Qt6 targets).
if(SOLARCHIP_BUILD_GUI)
  find_package(QCustomPlotQt6 REQUIRED)
  find_package(VTK 9.1 REQUIRED COMPONENTS
    CommonCore CommonDataModel CommonTransforms FiltersSources FiltersGeneral FiltersCore
    RenderingCore RenderingOpenGL2 RenderingAnnotation RenderingFreeType InteractionStyle
    InteractionWidgets)
endif()

pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio)
pkg_check_modules(WCSLIB REQUIRED IMPORTED_TARGET wcslib)
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)

# Debian ships OpenCV's core/imgproc without a CMake package unless the whole libopencv-dev is installed.
find_path(OpenCV_INCLUDE_DIR opencv2/imgproc.hpp PATH_SUFFIXES opencv4 REQUIRED)
find_library(OpenCV_CORE_LIBRARY opencv_core REQUIRED)
find_library(OpenCV_IMGPROC_LIBRARY opencv_imgproc REQUIRED)
add_library(solarchip_opencv INTERFACE)
target_include_directories(solarchip_opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIR})
target_link_libraries(solarchip_opencv INTERFACE ${OpenCV_IMGPROC_LIBRARY} ${OpenCV_CORE_LIBRARY})

find_package(Torch REQUIRED)
find_package(OpenMP REQUIRED)
find_package(faiss REQUIRED)
find_package(Threads REQUIRED)
# SQLite itself (the library Qt's QSQLITE driver uses): core reads bulk catalog rows through its C API.
find_package(SQLite3 REQUIRED)
find_package(benchmark QUIET)

find_program(SOLARCHIP_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT SOLARCHIP_PYTHON3)
  find_program(SOLARCHIP_PYTHON3 python3)
endif()
