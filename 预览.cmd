@echo off
chcp 65001 >nul
rem 网站预览（Windows）：双击这个文件即可。
rem 第一次使用时 build.py 先准备运行环境（需要联网，约几分钟，只需一次），然后启动预览并打开浏览器。
rem 要停止预览：关闭这个窗口，或按 Ctrl+C。
setlocal
cd /d "%~dp0"
title 网站预览

rem 找 Python：先找 py（python.org 安装程序自带），再找 python。
rem Windows 自带的 python 可能只是指向应用商店的快捷方式，所以要试着运行一下才算数。
set "PYTHON="
py -3 -c "import sys" >nul 2>nul && set "PYTHON=py -3"
if not defined PYTHON python -c "import sys" >nul 2>nul && set "PYTHON=python"
if not defined PYTHON goto :no_python

echo 正在启动预览。准备好后会自动打开浏览器；要停止预览，关闭这个窗口或按 Ctrl+C。
echo.
%PYTHON% build.py serve --open %*
set "STATUS=%ERRORLEVEL%"
if "%STATUS%"=="0" goto :done
if "%STATUS%"=="130" goto :done
if "%STATUS%"=="-1073741510" goto :done
goto :failed

:no_python
echo 这台电脑上还没有安装 Python（预览网站需要它）。请这样安装：
echo   1. 打开 https://www.python.org/downloads/ ，点黄色的“Download Python”按钮下载安装程序。
echo   2. 运行安装程序，在第一页底部务必勾选“Add python.exe to PATH”，再点“Install Now”。
echo   3. 安装完成后，关闭这个窗口，再双击“预览”。
echo.
echo 现在为你打开下载页面……
start "" "https://www.python.org/downloads/"
pause
exit /b 1

:failed
echo.
echo 预览没有启动成功，原因见上面的说明。改好以后，再双击“预览”。
pause
exit /b %STATUS%

:done
endlocal
exit /b 0
